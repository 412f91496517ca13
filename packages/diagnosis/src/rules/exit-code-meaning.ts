/** What a container exit code usually means, for the root-cause sentence. */
export const exitCodeMeaning = (code: number | undefined, reason: string | undefined): string => {
  if (reason === 'OOMKilled') return 'the kernel killed it for exceeding its memory limit';
  switch (code) {
    case undefined:
      return 'it terminated';
    case 0:
      return 'it exited successfully but is expected to keep running (the process finished instead of serving)';
    case 1:
      return 'the application failed at startup (generic error; the previous logs show why)';
    case 2:
      return 'the command was misused (bad arguments or shell syntax)';
    case 126:
      return 'the entrypoint is not executable (permission denied)';
    case 127:
      return 'the entrypoint or command was not found in the image';
    case 128:
      return 'the exit code was invalid';
    case 134:
      return 'the process aborted (SIGABRT)';
    case 137:
      return 'it was killed with SIGKILL (memory limit, liveness probe failure or eviction)';
    case 139:
      return 'it crashed with a segmentation fault (SIGSEGV)';
    case 143:
      return 'it was terminated with SIGTERM and did not handle it';
    default:
      return code > 128
        ? `it was killed by signal ${code - 128}`
        : `the application exited with code ${code}`;
  }
};
