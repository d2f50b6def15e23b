/**
 * Model management: the catalogue (manifest), where files are found and how far they are trusted
 * (resolve), downloads (download), the ONNX metadata reader, and the CLI-facing commands.
 */
export * from './manifest';
export * from './resolve';
export * from './onnx-metadata';
export { sha256File } from './hash';
export {
  downloadFile,
  networkError,
  nodeDownloadFs,
  type DownloadError,
  type DownloadErrorCode,
  type DownloadFs,
  type DownloadOptions,
  type DownloadProgress,
  type DownloadResult,
  type DownloadSuccess,
  type DownloadTarget,
  type FileWriter,
} from './download';
export * from './commands';
