// turndown-plugin-gfm ships no typings; only the table rules are used.
declare module 'turndown-plugin-gfm' {
  import type TurndownService from 'turndown';
  export const tables: TurndownService.Plugin;
  export const strikethrough: TurndownService.Plugin;
  export const gfm: TurndownService.Plugin;
}
