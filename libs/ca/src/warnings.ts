/**
 * Where the CA lifecycle reports something the operator should know but that does not stop the
 * operation (a forced step, unencrypted keys, key files moved aside). The text is one line
 * without a prefix; the caller decides how to show it (the CLI prints `trustmesh: warning: <text>`).
 */
export type Warn = (text: string) => void;
