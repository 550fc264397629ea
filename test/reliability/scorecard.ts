/** One line of the scorecard: a figure measured against its criterion. */
export interface ScoreRow {
  section: string;
  cells: string[];
  pass: boolean;
}

export class Scorecard {
  private readonly sections = new Map<string, { headers: string[]; rows: ScoreRow[]; notes: string[] }>();

  section(name: string, headers: string[]): void {
    if (!this.sections.has(name)) this.sections.set(name, { headers, rows: [], notes: [] });
  }

  add(section: string, cells: Array<string | number>, pass: boolean): void {
    const entry = this.sections.get(section);
    if (!entry) throw new Error(`no section ${section}`);
    entry.rows.push({ section, cells: cells.map(String), pass });
  }

  note(section: string, text: string): void {
    this.sections.get(section)?.notes.push(text);
  }

  get passed(): number {
    return [...this.sections.values()].reduce((sum, s) => sum + s.rows.filter((r) => r.pass).length, 0);
  }

  get failed(): number {
    return [...this.sections.values()].reduce((sum, s) => sum + s.rows.filter((r) => !r.pass).length, 0);
  }

  /** Plain-text tables, one per section, with a pass/FAIL column. */
  render(): string {
    const out: string[] = [];
    for (const [name, { headers, rows, notes }] of this.sections) {
      const table = [[...headers, 'result'], ...rows.map((r) => [...r.cells, r.pass ? 'pass' : 'FAIL'])];
      const widths = table[0].map((_, i) => Math.max(...table.map((line) => (line[i] ?? '').length)));
      const line = (cells: string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
      out.push('', `## ${name}`, '', line(table[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...table.slice(1).map(line));
      for (const text of notes) out.push(`  ${text}`);
    }
    return out.join('\n');
  }
}
