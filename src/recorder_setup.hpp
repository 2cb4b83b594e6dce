#pragma once
#include "engram/network.hpp"
#include "engram/recording.hpp"

namespace engram {
// Empty recording buffers for the description's recorders (shared by every backend).
recording setup_recording(const network& net);
}
