import type { ChalkInstance } from 'chalk';
import type { DasEvent, DecodedRecord } from '../decode/types.js';
import { visible } from '../terminal/visible.js';
import { isFailure } from '../events/outcome.js';
import { formatMoment, parseDasTime } from '../events/das-time.js';
import { colorOf } from '../terminal/event-colors.js';
import { fieldText } from '../events/field-text.js';

/** How a pretty line is laid out: its zone, and the terminal's width (none: each line in full). */
export interface PrettyLayout {
  utc?: boolean;
  width?: number;
  /** --fields: the columns of these DAS fields only (a failure's mark always shows). */
  fields?: readonly string[];
}

/**
 * `text` is as the event sent it: it is measured, cut and styled as `visible` shows it. On a line
 * with a `main` piece (the statement, or a failure's reason) that does not fit, the `spare` pieces
 * (the parameters, then the client's host) are left out first; then `within` gives a shorter text
 * for a piece (who) so that the main one keeps half the line.
 */
type Piece = {
  text: string;
  style: (text: string) => string;
  pad?: number;
  spare?: boolean;
  main?: boolean;
  from?: readonly string[];
  within?: (columns: number) => string;
};

const SEPARATOR = '  ';
/**
 * The date, and the class's and command's wide columns, cost the statement its room: below these
 * widths the time of day goes without the date, and the columns are narrower. Decided by the
 * width alone, so that every line of a terminal keeps its columns.
 */
const COMPACT_BELOW = 140;
const NARROW_COLUMNS_BELOW = 120;
/** Below this, a line is cut wherever it must: still one line, never wrapped. */
const NARROWEST = 40;
/** On a line with no main piece (a connect), the room the last piece should have before a spare one keeps its place. */
const LAST_ROOM = 40;

/**
 * A line a person can scan: time, class, command, who, from where, what. The full event is one
 * `-o ndjson` away, so this shows what answers "who did what, when", on one line of the terminal.
 */
export function formatPretty(event: DasEvent, record: DecodedRecord, chalk: ChalkInstance, layout: PrettyLayout = {}): string {
  const dim = chalk.dim;
  const width = layout.width ?? Number.POSITIVE_INFINITY;
  const time: Piece = { text: timeOf(event, layout.utc === true, width < COMPACT_BELOW), style: dim };
  const narrow = width < NARROW_COLUMNS_BELOW;
  if (event.type === 'heartbeat') return finish([time, { text: 'heartbeat', style: dim }, { text: text(record.instanceId), style: dim }], layout.width, chalk);
  // A failed statement must not look like one that ran: marked in words, and in red where there is colour.
  const failed = isFailure(event);
  const pieces: Piece[] = [
    { ...time, from: ['logTime', 'startTime'] },
    { text: text(event.class) || '-', style: failed ? chalk.red.bold : colorOf(chalk, event), pad: narrow ? 5 : 8, from: ['class'] },
    { text: text(event.command) || '-', style: chalk.bold, pad: narrow ? 6 : 12, from: ['command'] },
    { text: who(event, Number.POSITIVE_INFINITY), style: chalk.cyan, from: ['dbUserName', 'databaseName'], within: (columns) => who(event, columns) },
  ];
  const from = origin(event);
  if (from) pieces.push({ text: from, style: dim, spare: true, from: ['remoteHost', 'remotePort', 'clientApplication'] });
  // What failed, and why, before the statement: on a narrow terminal the reason is what must show.
  if (failed) pieces.push({ text: 'FAILED', style: chalk.red.bold.inverse }, { text: failure(event), style: chalk.red, main: true });
  const statement = text(event.commandText).trim() || objectOf(event);
  if (statement)
    pieces.push({ text: statement, style: failed ? chalk.red : (plain) => plain, main: !failed, from: ['commandText', 'objectName', 'objectType'] });
  if (Array.isArray(event.paramList) && event.paramList.length > 0) {
    // JSON escapes C0 controls, not C1 ones nor bidi overrides: visible does the rest.
    pieces.push({ text: `params: ${event.paramList.map((param) => JSON.stringify(param)).join(', ')}`, style: dim, spare: true, from: ['paramList'] });
  }
  const { fields } = layout;
  return finish(fields ? pieces.filter((piece) => !piece.from || piece.from.some((field) => fields.includes(field))) : pieces, layout.width, chalk);
}

/**
 * The pieces on one line, each padded to its column; cut with … to fit `width`, if there is one.
 * Every field is written by whoever talks to the database: shown as data, never as control
 * sequences (a statement's own line breaks show as \n, dim where there is colour).
 */
function finish(all: Piece[], width: number | undefined, chalk: ChalkInstance): string {
  let line = '';
  let room = width === undefined ? Number.POSITIVE_INFINITY : Math.max(width, NARROWEST);
  const columns = (piece: Piece) => visible(piece.text).length;
  const mark = (escape: string) => chalk.dim(escape);
  const length = (pieces: Piece[]) => pieces.reduce((sum, piece, index) => sum + (index ? SEPARATOR.length : 0) + Math.max(columns(piece), piece.pad ?? 0), 0);
  const before = (pieces: Piece[]) => length(pieces.slice(0, pieces.findIndex((piece) => piece.main) + 1 || pieces.length).slice(0, -1)) + SEPARATOR.length;
  const dropSpare = (pieces: Piece[]) => {
    const spare = pieces.findLastIndex((piece) => piece.spare);
    return spare === -1 ? pieces : pieces.filter((_, index) => index !== spare);
  };
  let pieces = all;
  const main = pieces.find((piece) => piece.main);
  if (!main) {
    while (length(pieces) > room && room - before(pieces) < LAST_ROOM && pieces.some((piece) => piece.spare)) pieces = dropSpare(pieces);
  } else if (Number.isFinite(room)) {
    // What happened gets the room: the parameters and the host give way before it is cut,
    while (length(pieces) > room && pieces.some((piece) => piece.spare)) pieces = dropSpare(pieces);
    // then who is shortened, so that it keeps at least half the line.
    const short = Math.min(columns(main), Math.ceil(room / 2)) - (room - before(pieces));
    if (short > 0) pieces = pieces.map((piece) => (piece.within ? { ...piece, text: piece.within(columns(piece) - short) } : piece));
  }
  for (const [index, piece] of pieces.entries()) {
    const last = index === pieces.length - 1;
    const padding = last || piece.pad === undefined ? 0 : Math.max(0, piece.pad - columns(piece));
    const gap = index === 0 ? '' : SEPARATOR;
    if (gap.length + columns(piece) + padding <= room) {
      line += gap + piece.style(visible(piece.text, mark)) + ' '.repeat(padding);
      room -= gap.length + columns(piece) + padding;
      continue;
    }
    const kept = keptWithin(piece.text, room - gap.length - 1);
    if (room - gap.length - 1 > 0) line += gap + piece.style(`${visible(kept, mark)}…`);
    break;
  }
  return `${line}\n`;
}

function timeOf(event: DasEvent, utc: boolean, compact: boolean): string {
  const sent = text(event.logTime ?? event.startTime);
  const moment = sent ? parseDasTime(sent) : undefined;
  if (!moment) return sent || '-';
  const full = formatMoment(moment, utc);
  return compact ? full.slice(11) : full;
}

/** The error and its code (PostgreSQL's SQLSTATE, MySQL's and Oracle's number), as the engine sent them. */
function failure(event: DasEvent): string {
  const error = text(event.errorMessage).trim();
  const code = text(event.exitCode).trim();
  const label = fieldText(event.serverType).toUpperCase() === 'POSTGRESQL' ? 'SQLSTATE' : 'exit code';
  if (error) return `${error}${code ? ` (${label} ${code})` : ''}`;
  return code ? `${label} ${code}` : 'no reason given';
}

const text = fieldText;

/** The start of `text` that shows in `columns`, cut by what shows: an escape (\e) is never split. */
function keptWithin(text: string, columns: number): string {
  let fits = columns;
  let kept = '';
  for (const character of text) {
    fits -= visible(character).length;
    if (fits < 0) break;
    kept += character;
  }
  return kept.trimEnd();
}

/**
 * user@database in `columns`: the database is cut, then left out; the user is never cut for the
 * statement's sake (who did it is the point of the line; a name too long for the line is cut at its end).
 */
function who(event: DasEvent, columns: number): string {
  const user = text(event.dbUserName) || '?';
  const database = text(event.databaseName);
  if (!database) return user;
  const shown = (part: string) => visible(part).length;
  if (shown(user) + 1 + shown(database) <= columns) return `${user}@${database}`;
  // A database cut to a letter or two says nothing: three at least, or none.
  return shown(user) + 5 <= columns ? `${user}@${keptWithin(database, columns - shown(user) - 2)}…` : user;
}

function origin(event: DasEvent): string {
  const host = text(event.remoteHost);
  const port = text(event.remotePort);
  const app = text(event.clientApplication);
  const address = host && port ? `${host}:${port}` : host;
  return [address, app].filter(Boolean).join(' ');
}

function objectOf(event: DasEvent): string {
  const name = text(event.objectName);
  if (!name) return '';
  const type = text(event.objectType);
  return type ? `${type} ${name}` : name;
}
