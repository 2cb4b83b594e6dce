#pragma once
// SIGINT (Ctrl-C) and SIGTERM (what batch schedulers send before they kill a job at its time
// limit) during a run with --checkpoint-every: the run loop notices at the end of its current
// chunk (at most about half a second of wall time), writes a checkpoint of the step it reached
// and exits with 128 + the signal's number, so `engram resume OUT` loses nothing. The handler
// only records the signal; a second one gets the default action (the checkpoint on disk is
// always whole: it is written to a temporary file and renamed).
#include <csignal>

namespace engram::cli {

inline volatile std::sig_atomic_t stop_requested = 0;

extern "C" inline void record_stop_signal(int signal) { stop_requested = signal; }

inline void catch_stop_signals() {
  struct sigaction action {};
  action.sa_handler = record_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND | SA_RESTART;  // a second signal ends the process at once; no EINTR in writes
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

}  // namespace engram::cli
