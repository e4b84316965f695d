/**
 * Five-field cron schedules (minute hour day-of-month month day-of-week; `*`, `a-b`, `a,b`, `*\/n`,
 * `a-b/n`, day-of-week 0-7 with 0 and 7 Sunday) evaluated in an IANA time zone, as a CronJob's
 * `schedule` and `timeZone`. When both day fields are restricted a time matches either, as in cron.
 * Pure.
 */

interface CronFields {
  readonly minute: ReadonlySet<number>;
  readonly hour: ReadonlySet<number>;
  readonly day: ReadonlySet<number>;
  readonly month: ReadonlySet<number>;
  readonly weekday: ReadonlySet<number>;
  readonly dayRestricted: boolean;
  readonly weekdayRestricted: boolean;
}

/** A parsed schedule: matches wall-clock minutes in its time zone. */
export interface CronSchedule {
  readonly expression: string;
  readonly timeZone: string;
  readonly fields: CronFields;
}

function parseField(text: string, min: number, max: number, name: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (m === null) throw new Error(`cron ${name} field "${text}": expected *, N, N-M, */S or N-M/S`);
    const lo = m[1] === "*" ? min : Number(m[2]);
    const hi = m[1] === "*" ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : lo;
    const step = m[4] === undefined ? 1 : Number(m[4]);
    if (lo < min || hi > max || lo > hi || step < 1)
      throw new Error(`cron ${name} field "${text}": values must be within ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Parses `expression` for `timeZone` (default UTC); throws naming the bad field or zone. */
export function parseCronSchedule(expression: string, timeZone = "UTC"): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron schedule "${expression}": expected 5 fields`);
  const [minute, hour, day, month, weekday] = parts as [string, string, string, string, string];
  const weekdays = parseField(weekday, 0, 7, "day-of-week");
  if (weekdays.has(7)) weekdays.add(0);
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw new Error(`timeZone "${timeZone}": not an IANA time zone known here`);
  }
  return {
    expression,
    timeZone,
    fields: {
      minute: parseField(minute, 0, 59, "minute"),
      hour: parseField(hour, 0, 23, "hour"),
      day: parseField(day, 1, 31, "day-of-month"),
      month: parseField(month, 1, 12, "month"),
      weekday: weekdays,
      dayRestricted: day !== "*",
      weekdayRestricted: weekday !== "*",
    },
  };
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(ms: number, timeZone: string) {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(ms)) parts[p.type] = p.value;
  return {
    minute: Number(parts["minute"]),
    hour: Number(parts["hour"]),
    day: Number(parts["day"]),
    month: Number(parts["month"]),
    weekday: WEEKDAYS[parts["weekday"] ?? ""] ?? -1,
  };
}

/** True when the minute starting at `ms` (a whole minute) matches the schedule. */
export function matchesMinute(schedule: CronSchedule, ms: number): boolean {
  const t = wallClock(ms, schedule.timeZone);
  const f = schedule.fields;
  if (!f.minute.has(t.minute) || !f.hour.has(t.hour) || !f.month.has(t.month)) return false;
  const dayOk = f.day.has(t.day);
  const weekdayOk = f.weekday.has(t.weekday);
  if (f.dayRestricted && f.weekdayRestricted) return dayOk || weekdayOk;
  return dayOk && weekdayOk;
}

const MINUTE = 60_000;
/** How far back and ahead schedules are searched (missed runs older than this are not made up). */
export const CRON_SEARCH_MS = 8 * 24 * 60 * MINUTE;

/** The newest run time in (`afterMs`, `nowMs`], or undefined (as a CronJob, only the newest missed run counts). */
export function latestRun(schedule: CronSchedule, afterMs: number, nowMs: number): number | undefined {
  const stop = Math.max(afterMs, nowMs - CRON_SEARCH_MS);
  for (let t = Math.floor(nowMs / MINUTE) * MINUTE; t > stop; t -= MINUTE)
    if (matchesMinute(schedule, t)) return t;
  return undefined;
}

/** The next run time after `nowMs`, or undefined when none within {@link CRON_SEARCH_MS}. */
export function nextRun(schedule: CronSchedule, nowMs: number): number | undefined {
  for (let t = Math.floor(nowMs / MINUTE) * MINUTE + MINUTE; t <= nowMs + CRON_SEARCH_MS; t += MINUTE)
    if (matchesMinute(schedule, t)) return t;
  return undefined;
}
