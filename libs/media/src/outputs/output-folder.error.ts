export type OutputFolderErrorCode = 'INVALID_RUN_ID' | 'NOT_A_RUN_FOLDER';

/**
 * A run's outputs folder cannot be used as one: the id is not a run id, or `run_<id>` on disk is a
 * symlink or a file rather than a folder we made. Messages name the folder relative to the root.
 */
export class OutputFolderError extends Error {
  constructor(
    readonly code: OutputFolderErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OutputFolderError';
  }
}
