const macros: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const names: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
};

export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
  readonly dayRestricted: boolean;
  readonly weekdayRestricted: boolean;
}

const parseField = (field: string, min: number, max: number): Set<number> | undefined => {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return undefined;
    let low = min;
    let high = max;
    if (range !== '*' && range !== '?') {
      const [from = '', to] = range.split('-');
      const value = (text: string): number => names[text.toLowerCase()] ?? Number(text);
      low = value(from);
      high = to === undefined ? (stepText === undefined ? low : max) : value(to);
    }
    if (!Number.isInteger(low) || !Number.isInteger(high) || low < min || high > max || low > high)
      return undefined;
    for (let item = low; item <= high; item += step) values.add(item === 7 && max === 7 ? 0 : item);
  }
  return values;
};

/** Parses a standard 5-field cron expression (or a macro); undefined if the controller would reject it. */
export const parseCron = (expression: string): CronSchedule | undefined => {
  const text = macros[expression.trim()] ?? expression.trim().replace(/^TZ=\S+\s+|^CRON_TZ=\S+\s+/, '');
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minute = '', hour = '', day = '', month = '', weekday = ''] = fields;
  const minutes = parseField(minute, 0, 59);
  const hours = parseField(hour, 0, 23);
  const days = parseField(day, 1, 31);
  const months = parseField(month, 1, 12);
  const weekdays = parseField(weekday, 0, 7);
  if (
    minutes === undefined ||
    hours === undefined ||
    days === undefined ||
    months === undefined ||
    weekdays === undefined
  )
    return undefined;
  return {
    minutes,
    hours,
    days,
    months,
    weekdays,
    dayRestricted: day !== '*' && day !== '?',
    weekdayRestricted: weekday !== '*' && weekday !== '?',
  };
};

const dayMatches = (schedule: CronSchedule, date: Date): boolean => {
  const day = schedule.days.has(date.getUTCDate());
  const weekday = schedule.weekdays.has(date.getUTCDay());
  if (schedule.dayRestricted && schedule.weekdayRestricted) return day || weekday;
  return day && weekday;
};

/** The first run strictly after `after` (UTC), searching at most ~4 years; undefined if none. */
export const nextRun = (schedule: CronSchedule, after: number): number | undefined => {
  const date = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
  const limit = after + 4 * 366 * 86_400_000;
  while (date.getTime() <= limit) {
    if (!schedule.months.has(date.getUTCMonth() + 1) || !dayMatches(schedule, date)) {
      date.setUTCHours(0, 0, 0, 0);
      date.setUTCDate(date.getUTCDate() + 1);
      continue;
    }
    if (!schedule.hours.has(date.getUTCHours())) {
      date.setUTCMinutes(0, 0, 0);
      date.setUTCHours(date.getUTCHours() + 1);
      continue;
    }
    if (schedule.minutes.has(date.getUTCMinutes())) return date.getTime();
    date.setUTCMinutes(date.getUTCMinutes() + 1);
  }
  return undefined;
};
