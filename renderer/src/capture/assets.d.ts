// Vite's `?worker&url` import: the module is bundled as its own file and its URL is returned.
declare module '*?worker&url' {
  const url: string;
  export default url;
}
