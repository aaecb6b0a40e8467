import type { FileEntryWithStats, SFTPWrapper } from 'ssh2';

/** Bare ssh2 SFTP calls as promises: the ceilings our transfers are measured against. */
export function rawSftp(sftp: SFTPWrapper) {
  const call = <T = void>(start: (done: (error: Error | null | undefined, value: T) => void) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));
  return {
    fastPut: (local: string, remote: string) => call((done) => sftp.fastPut(local, remote, (error) => done(error, undefined))),
    fastGet: (remote: string, local: string) => call((done) => sftp.fastGet(remote, local, (error) => done(error, undefined))),
    mkdir: (remote: string) => call((done) => sftp.mkdir(remote, (error) => done(error, undefined))),
    readdir: (remote: string) => call<FileEntryWithStats[]>((done) => sftp.readdir(remote, done)),
  };
}
