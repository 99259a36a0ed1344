// The one signature every output of edgewise is rendered through: data in, text out. Each
// formatter lives in its own file and is loaded only when asked for (formatters.ts), so a plain
// `validate` run never loads SARIF or diff code.

export interface RenderOptions {
  /** ANSI colour (the CLI asks for it on a terminal without NO_COLOR). */
  color: boolean;
}

export interface Formatter<T> {
  /** The name users give with --format. */
  readonly name: string;
  render(data: T, options: RenderOptions): string;
}
