/** ffprobe/ffmpeg itself could not do its job: not installed, would not start, failed or timed out. */
export class MediaToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaToolError';
  }
}

export type VideoProbeFailure = 'MISSING' | 'NOT_A_FILE' | 'NOT_A_VIDEO' | 'TIMEOUT';

/** The file is not a video we can read; `detail` never contains the file's absolute path. */
export class VideoProbeError extends Error {
  constructor(
    readonly reason: VideoProbeFailure,
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'VideoProbeError';
  }
}

export type InputFolderErrorCode =
  | 'OUTSIDE_INPUTS_ROOT'
  | 'NOT_FOUND'
  | 'NOT_A_DIRECTORY'
  | 'COLOR_VIDEO_MISSING'
  | 'UNREADABLE_VIDEO'
  | 'UNSUPPORTED_VIDEO_TYPE'
  | 'CONTROL_MISMATCH';

/**
 * A user-supplied input folder that cannot be used. Messages name the folder as the user gave it or
 * relative to the inputs root, never the server's absolute path of the root.
 */
export class InputFolderError extends Error {
  constructor(
    readonly code: InputFolderErrorCode,
    message: string,
    /** Every problem found; one entry unless several files are at fault. */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
    this.name = 'InputFolderError';
  }
}
