/**
 * @trustmesh/demo (`npm start`): the demo mesh web → api → db behind real sidecars, with live
 * traffic, a live view and a refused web → db attempt. See run-demo.ts.
 */
export { runDemoCommand, type DemoEnv, type DemoIo } from './run-demo';
export { DEMO_USAGE, parseDemoArgs, type DemoOptions } from './demo-args';
export { DemoError, type DemoErrorCode } from './demo-error';
export { startMesh, type MeshOptions, type RunningMesh } from './mesh';
