/**
 * Edits of a generated service's `serve` command in apps/services/<type>/project.json: the
 * `--peer <type>=host:port` arguments that tell the service where its sidecar's outbound listener
 * for each dialed type is. Only that one JSON string changes; the rest of the file keeps its bytes.
 */

/** The serve target's command, or undefined when the file has none (not a generated service). */
export function serveCommand(projectJson: string): string | undefined {
  try {
    const command = JSON.parse(projectJson)?.targets?.serve?.options?.command;
    return typeof command === 'string' ? command : undefined;
  } catch {
    return undefined;
  }
}

/** The `--port N` of the serve command, or undefined. */
export function servePort(projectJson: string): number | undefined {
  const m = /--port[= ](\d{1,5})\b/.exec(serveCommand(projectJson) ?? '');
  return m ? Number(m[1]) : undefined;
}

function replaceCommand(projectJson: string, from: string, to: string): string | null {
  const quoted = JSON.stringify(from);
  const at = projectJson.indexOf(quoted);
  if (at < 0 || projectJson.indexOf(quoted, at + 1) >= 0) return null;
  return projectJson.slice(0, at) + JSON.stringify(to) + projectJson.slice(at + quoted.length);
}

/** Appends ` --peer <type>=<address>` to the serve command; null when there is no such command. */
export function addPeerArg(projectJson: string, type: string, address: string): string | null {
  const command = serveCommand(projectJson);
  return command === undefined ? null : replaceCommand(projectJson, command, `${command} --peer ${type}=${address}`);
}

/** Removes every ` --peer <type>=...` from the serve command; the text unchanged when none. */
export function removePeerArg(projectJson: string, type: string): string {
  const command = serveCommand(projectJson);
  if (command === undefined) return projectJson;
  const pattern = new RegExp(` --peer ${type.replace(/[^a-z0-9-]/g, '')}=\\S+`, 'g');
  const stripped = command.replace(pattern, '');
  return stripped === command ? projectJson : (replaceCommand(projectJson, command, stripped) ?? projectJson);
}
