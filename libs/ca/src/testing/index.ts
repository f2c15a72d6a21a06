/**
 * `@trustmesh/ca/testing` — helpers for other projects' tests over a real state directory.
 * Imported by `*.e2e.ts` files and their testing/ helpers only, never by product code.
 */
export { withStateStore } from './state-store';
