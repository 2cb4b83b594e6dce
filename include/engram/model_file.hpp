#pragma once
// Model files (JSON, docs/model-format.md) -> validated network description.
#include <string>

#include "engram/network.hpp"

namespace engram {

// Reads, parses and validates a model file. Throws io_error (missing/unreadable file) or
// invalid_model (malformed JSON with line and column, or a field path and value).
network load_model_file(const std::string& path);

// Same, from text; `source_name` appears in messages, `base_dir` resolves relative file paths.
network parse_model_text(const std::string& text, const std::string& source_name, const std::string& base_dir);

}  // namespace engram
