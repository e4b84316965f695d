/** Structured JSON logging (pino): one root logger per process, one child per reconcile. */
import { randomUUID } from "node:crypto";
import { pino, type DestinationStream, type Logger } from "pino";

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** pino level name; default `info`. */
  readonly level?: string;
  /** Added to every line as `name`. */
  readonly name?: string;
  /** Where lines go; default stdout. Tests pass a stream to read the lines back. */
  readonly destination?: DestinationStream;
}

/** A JSON logger with ISO timestamps. Reads no environment variables. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const base = {
    level: options.level ?? "info",
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  return options.destination === undefined ? pino(base) : pino(base, options.destination);
}

/** A logger that writes nothing (for tests and tools that do not want output). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/** The child logger of one reconcile: every line carries `controller`, `key` and `reconcileID`. */
export function reconcileLogger(
  base: Logger,
  controller: string,
  key: string,
  reconcileID: string = randomUUID(),
): Logger {
  return base.child({ controller, key, reconcileID });
}
