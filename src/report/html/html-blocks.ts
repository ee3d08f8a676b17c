// The pieces every section is made of. Each takes values and returns HTML in which every value is escaped text:
// a section never writes a value into the page any other way.
import type { Bounded, CappedText } from '../report-data.js';
import { count, escapeHtml, utcTime } from './html-text.js';

/** Text, escaped; '' shown as a dim dash so that an empty cell reads as empty, not missing. */
export function text(value: string, empty = '—'): string {
  return value === '' ? `<span class="none">${escapeHtml(empty)}</span>` : escapeHtml(value);
}

export function time(millis: number | null): string {
  return `<time>${escapeHtml(utcTime(millis))}</time>`;
}

export function number(value: number, flagged = false): string {
  return flagged && value > 0 ? `<span class="flag">${count(value)}</span>` : count(value);
}

/** A statement or message as kept: its text whole as a block, then what the cap left out, counted. */
export function capped(value: CappedText): string {
  const cut = value.cut > 0 ? ` <span class="cut">… (${count(value.cut)} characters cut)</span>` : '';
  return `<code class="text">${text(value.text)}</code>${cut}`;
}

export interface Column<Row> {
  head: string;
  cell: (row: Row) => string;
  /** Numbers align right and use figures of one width. */
  numeric?: boolean;
  wide?: boolean;
  /** An identifier: small, broken anywhere, never setting the row's height alone. */
  id?: boolean;
}

export function table<Row>(rows: Row[], columns: Array<Column<Row>>, rowClass?: (row: Row) => string): string {
  const head = columns.map((column) => `<th${column.numeric ? ' class="num"' : ''}>${escapeHtml(column.head)}</th>`).join('');
  const body = rows
    .map((row) => {
      const cls = rowClass?.(row);
      const cells = columns
        .map((column) => {
          const classes = [column.numeric ? 'num' : '', column.wide ? 'wide' : '', column.id ? 'id' : ''].filter(Boolean).join(' ');
          return `<td${classes ? ` class="${classes}"` : ''}>${column.cell(row)}</td>`;
        })
        .join('');
      return `<tr${cls ? ` class="${escapeHtml(cls)}"` : ''}>${cells}</tr>`;
    })
    .join('\n');
  return `<div class="scroll"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

/** A sentence that says a list is empty: an empty section says so rather than vanish. */
export function empty(sentence: string): string {
  return `<p class="empty">${escapeHtml(sentence)}</p>`;
}

/** What did not fit in a bounded list, counted. */
export function more(value: number): string {
  return value > 0 ? `<p class="more">and ${count(value)} more not listed</p>` : '';
}

/** A bounded list as a table, its overflow counted, or the sentence that says it is empty. */
export function boundedTable<Row>(list: Bounded<Row>, columns: Array<Column<Row>>, none: string, rowClass?: (row: Row) => string): string {
  if (list.rows.length === 0 && list.more === 0) return empty(none);
  return `${table(list.rows, columns, rowClass)}\n${more(list.more)}`;
}

export function section(id: string, heading: string, body: string): string {
  return `<section id="${escapeHtml(id)}">\n<h2>${escapeHtml(heading)}</h2>\n${body}\n</section>`;
}
