/** The state-directory contract's helpers and the CaError message format, as tables. */
import { CaError, type CaErrorCode } from './errors';
import { isStoreFile, keyRefFor, LAYOUT, META, renewBeforeMetaKey, rotationMetaKey, statePath } from './layout';

describe('layout helpers', () => {
  it.each<[string, string, string]>([
    ['ok/a layout entry under D', statePath('/srv/state', LAYOUT.platformRoot), `/srv/state/${LAYOUT.platformRoot}`],
    [
      'ok/a nested layout entry',
      statePath('/srv/state', LAYOUT.adminKey),
      `/srv/state/${LAYOUT.admin}/${LAYOUT.adminKey.split('/')[1]}`,
    ],
    [
      'ok/a keyRef relative to D',
      statePath('/srv/state/', keyRefFor('intermediate', 'ab12')),
      `/srv/state/${LAYOUT.keys}/ab12.key`,
    ],
    ['ok/roots live apart under offline/', keyRefFor('root', 'cd34'), `${LAYOUT.offline}/cd34.key`],
    ['ok/intermediates under keys/', keyRefFor('intermediate', 'cd34'), `${LAYOUT.keys}/cd34.key`],
    ['ok/the archive is inside offline/', LAYOUT.archive, `${LAYOUT.offline}/archive`],
    [
      'ok/the admin files are inside admin/',
      `${LAYOUT.adminCert} ${LAYOUT.adminKey}`,
      `${LAYOUT.admin}/admin.crt ${LAYOUT.admin}/admin.key`,
    ],
    [
      "ok/a type's rotation record key is a fixed prefix and the type",
      rotationMetaKey('api'),
      `${rotationMetaKey('')}api`,
    ],
    [
      "ok/a type's renew-before hint key is a fixed prefix and the type",
      renewBeforeMetaKey('db'),
      `${renewBeforeMetaKey('')}db`,
    ],
  ])('%s', (_name, got, want) => {
    expect(got).toBe(want);
  });

  it.each<[string, string, boolean]>([
    ['ok/the store', LAYOUT.db, true],
    ['ok/its WAL side file', `${LAYOUT.db}-wal`, true],
    ['ok/its shared-memory side file', `${LAYOUT.db}-shm`, true],
    ['fail/the mesh file', LAYOUT.mesh, false],
    ['fail/a name that only starts like the store', `${LAYOUT.db}x`, false],
    ['fail/the store name inside another name', `old-${LAYOUT.db}`, false],
  ])('isStoreFile %s', (_name, name, want) => {
    expect(isStoreFile(name)).toBe(want);
  });

  it('ok/every name and meta key is unique and frozen', () => {
    const names = Object.values(LAYOUT);
    expect(new Set(names).size).toBe(names.length);
    const keys = [...Object.values(META), rotationMetaKey(''), renewBeforeMetaKey('')];
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.isFrozen(LAYOUT) && Object.isFrozen(META)).toBe(true);
  });
});

describe('CaError', () => {
  it.each<[string, CaErrorCode, string | undefined, string]>([
    [
      'ok/code and fixed text',
      'NOT_INITIALIZED',
      undefined,
      'the state directory is not initialized (run `trustmesh init --dir D` first)',
    ],
    [
      'ok/the detail follows a colon',
      'TYPE_UNKNOWN',
      "'x' is not in the mesh config",
      "unknown service type: 'x' is not in the mesh config",
    ],
    [
      'ok/rotation refusal',
      'ROTATION_NOT_SAFE',
      'laggards',
      'the rotation step is not safe yet (re-run when the fleet has caught up, or --force): laggards',
    ],
  ])('%s', (_name, code, detail, message) => {
    const e = new CaError(code, detail);
    expect([e.name, e.code, e.detail, e.message]).toEqual(['CaError', code, detail, message]);
    expect(e).toBeInstanceOf(Error);
  });
});
