export { resolveMediaBinaries, type MediaBinaries, type MediaBinarySource } from './ffmpeg-binaries.js';
export { probeVideo, type ProbeOptions, type VideoFacts } from './video-probe.js';
export {
  INPUT_VIDEO_EXTENSIONS,
  resolveInputFolder,
  resolveInputVideoFile,
  scanInputVideos,
  type InputFolder,
  type InputVideo,
  type ScanOptions,
  type ScannedInputs,
} from './input-folder.js';
export { findInputFolders, type FindInputFoldersOptions, type InputFolderEntry } from './input-catalog.js';
export { ASPECT_TOLERANCE, controlMismatches, describeSize } from './control-match.js';
export { makeThumbnail, type ThumbnailOptions } from './thumbnail.js';
export { makeTestVideo, type TestVideoOptions } from './testing/test-videos.js';
export {
  InputFolderError,
  MediaToolError,
  VideoProbeError,
  type InputFolderErrorCode,
  type VideoProbeFailure,
} from './media.errors.js';
export { isInside, resolveConfined } from './outputs/confined-path.js';
export { OutputFolderError } from './outputs/output-folder.error.js';
export { type DeletedRunFolder, deleteRunFolder, type FileSummary, findOrphanFolders, listRunFiles, missingFiles, type OutputFile, runFolder, summarizeFiles } from './outputs/output-folders.js';
