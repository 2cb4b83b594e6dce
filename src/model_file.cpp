// Model file parser: JSON -> engram::network. Structure and types are checked here, ranges
// and cross-references in validate() (network_validate.cpp), so C++-built networks get the
// same checks.
#include "engram/model_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "engram/errors.hpp"
#include "engram/npy.hpp"
#include "json_reader.hpp"

namespace engram {

namespace {

distribution parse_distribution(const json& v, const std::string& file, const std::string& path) {
  if (v.is_number()) return distribution::constant(as_number(v, file, path));
  json_object o(v, path, file);
  const std::string kind = o.string("dist");
  distribution d;
  if (kind == "constant") {
    d = distribution::constant(o.number("value"));
  } else if (kind == "uniform") {
    d = distribution::uniform(o.number("low"), o.number("high"));
  } else if (kind == "normal" || kind == "lognormal") {
    d.type = kind == "normal" ? distribution::kind::normal : distribution::kind::lognormal;
    d.a = o.number(kind == "normal" ? "mean" : "mu");
    d.b = o.number(kind == "normal" ? "std" : "sigma");
    d.low = o.number("low", d.low);
    d.high = o.number("high", d.high);
    const std::string b = o.string("bounds", "clip");
    if (b == "clip") d.bounds = distribution::bounds_mode::clip;
    else if (b == "redraw") d.bounds = distribution::bounds_mode::redraw;
    else o.fail("bounds", fmt::format("unknown bounds mode \"{}\" (known: clip, redraw)", b));
  } else {
    o.fail("dist", fmt::format("unknown distribution \"{}\" (known: constant, uniform, normal, lognormal)", kind));
  }
  o.finish();
  return d;
}

template <class F>
void for_each_in_array(json_object& parent, const char* key, F&& f) {
  const json* arr = parent.find(key);
  if (!arr) return;
  if (!arr->is_array()) parent.fail(key, fmt::format("expected an array, got {}", describe_value(*arr)));
  for (std::size_t i = 0; i < arr->size(); ++i) {
    json_object o((*arr)[i], fmt::format("{}[{}]", parent.path(key), i), parent.file());
    f(o);
    o.finish();
  }
}

std::map<std::string, double> parse_number_map(json_object& parent, const char* key) {
  std::map<std::string, double> m;
  const json* v = parent.find(key);
  if (!v) return m;
  json_object o(*v, parent.path(key), parent.file());
  for (auto it = v->begin(); it != v->end(); ++it) {
    m[it.key()] = o.number(it.key().c_str());
  }
  o.finish();
  return m;
}

void read_connection_file(connector& c, const std::string& file, const std::string& path) {
  npy::array a = npy::read(c.file);  // io_error names the file
  const bool is_pairs = a.shape.size() == 2 && a.shape[1] == 2 && (a.descr == "<i4" || a.descr == "<i8");
  const bool is_full = a.shape.size() == 2 && a.shape[1] == 4 && a.descr == "<f8";
  if (!is_pairs && !is_full) {
    std::string shape;
    for (auto s : a.shape) shape += fmt::format("{},", s);
    fail_at(file, path,
            fmt::format("{} has dtype {} and shape ({}); expected int32/int64 of shape (n, 2) = (pre, post) "
                        "or float64 of shape (n, 4) = (pre, post, weight, delay_ms)",
                        c.file, a.descr, shape));
  }
  const std::uint64_t n = a.shape[0];
  auto value = [&](std::uint64_t row, int col) -> double {
    const std::size_t k = row * a.shape[1] + static_cast<std::size_t>(col);
    if (a.descr == "<i4") return reinterpret_cast<const std::int32_t*>(a.data.data())[k];
    if (a.descr == "<i8") return static_cast<double>(reinterpret_cast<const std::int64_t*>(a.data.data())[k]);
    return reinterpret_cast<const double*>(a.data.data())[k];
  };
  for (std::uint64_t r = 0; r < n; ++r) {
    for (int col = 0; col < 2; ++col) {
      const double idx = value(r, col);
      if (idx < 0 || idx != static_cast<double>(static_cast<std::uint64_t>(idx)) || idx > 4294967295.0)
        fail_at(file, path, fmt::format("{} row {}: neuron index {} is not a valid index", c.file, r, idx));
    }
    c.pre.push_back(static_cast<std::uint32_t>(value(r, 0)));
    c.post.push_back(static_cast<std::uint32_t>(value(r, 1)));
    if (is_full) {
      c.weights.push_back(value(r, 2));
      c.delays.push_back(value(r, 3));
    }
  }
}

connector parse_connector(json_object& o, const std::string& base_dir) {
  connector c;
  const std::string type = o.string("type");
  using k = connector::kind;
  if (type == "all_to_all") {
    c.type = k::all_to_all;
    c.autapses = o.boolean("autapses", true);
  } else if (type == "one_to_one") {
    c.type = k::one_to_one;
  } else if (type == "fixed_probability") {
    c.type = k::fixed_probability;
    c.p = o.number("p");
    c.autapses = o.boolean("autapses", true);
  } else if (type == "fixed_indegree" || type == "fixed_outdegree") {
    c.type = type == "fixed_indegree" ? k::fixed_indegree : k::fixed_outdegree;
    c.n = o.count(type == "fixed_indegree" ? "indegree" : "outdegree");
    c.autapses = o.boolean("autapses", true);
    c.multapses = o.boolean("multapses", true);
  } else if (type == "fixed_total_number") {
    c.type = k::fixed_total_number;
    c.n = o.count("n");
    c.autapses = o.boolean("autapses", true);
  } else if (type == "from_file") {
    c.type = k::from_file;
    const std::string f = o.string("file");
    std::filesystem::path p(f);
    c.file = p.is_absolute() ? f : (std::filesystem::path(base_dir) / p).string();
    try {
      read_connection_file(c, o.file(), o.path("file"));
    } catch (const io_error& e) {
      o.fail("file", e.what());
    }
  } else {
    o.fail("type", fmt::format("unknown connector \"{}\" (known: all_to_all, one_to_one, fixed_probability, "
                               "fixed_indegree, fixed_outdegree, fixed_total_number, from_file)",
                               type));
  }
  return c;
}

std::pair<std::size_t, std::size_t> line_and_column(const std::string& text, std::size_t byte) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

}  // namespace

network parse_model_text(const std::string& text, const std::string& source, const std::string& base_dir) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    const auto [line, col] = line_and_column(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string what = e.what();
    const auto pos = what.find("parse error");
    throw invalid_model(fmt::format("{}:{}:{}: malformed JSON: {}", source, line, col,
                                    pos == std::string::npos ? what : what.substr(pos)));
  }
  network net;
  net.source_file = source;
  json_object top(root, "", source);
  net.name = top.string("name", "");
  net.description = top.string("description", "");
  {
    json_object r = top.object("run");
    net.run.dt = r.number("dt");
    net.run.duration = r.number("duration");
    net.run.seed = r.count("seed", 1);
    r.finish();
  }
  if (!top.has("populations")) top.fail("populations", "missing required field");
  for_each_in_array(top, "populations", [&](json_object& o) {
    population p;
    p.name = o.string("name");
    p.model = o.string("model");
    p.size = o.count("size");
    p.params = parse_number_map(o, "params");
    if (const json* init = o.find("initial")) {
      json_object io(*init, o.path("initial"), source);
      for (auto it = init->begin(); it != init->end(); ++it) {
        io.find(it.key().c_str());
        p.initial[it.key()] = parse_distribution(it.value(), source, io.path(it.key().c_str()));
      }
      io.finish();
    }
    if (const json* st = o.find("spike_times")) {
      if (!st->is_array()) o.fail("spike_times", fmt::format("expected an array of arrays of times (ms), got {}", describe_value(*st)));
      for (std::size_t i = 0; i < st->size(); ++i) {
        const std::string pth = fmt::format("{}[{}]", o.path("spike_times"), i);
        if (!(*st)[i].is_array()) fail_at(source, pth, fmt::format("expected an array of times (ms), got {}", describe_value((*st)[i])));
        std::vector<double> times;
        for (std::size_t k = 0; k < (*st)[i].size(); ++k)
          times.push_back(as_number((*st)[i][k], source, fmt::format("{}[{}]", pth, k)));
        p.spike_times.push_back(std::move(times));
      }
    }
    net.populations.push_back(std::move(p));
  });
  for_each_in_array(top, "projections", [&](json_object& o) {
    projection pr;
    pr.source = o.string("source");
    pr.target = o.string("target");
    pr.receptor = o.string("receptor");
    pr.name = o.string("name", pr.source + "_" + pr.target + "_" + pr.receptor);
    json_object co = o.object("connector");
    pr.conn = parse_connector(co, base_dir);
    co.finish();
    const std::string storage = o.string("storage", "table");
    if (storage != "table" && storage != "procedural")
      o.fail("storage", fmt::format("expected \"table\" or \"procedural\", got \"{}\"", storage));
    pr.procedural = storage == "procedural";
    const bool explicit_values = !pr.conn.weights.empty();
    if (explicit_values) {
      if (o.has("weight")) o.fail("weight", "must be absent: the connection file holds the weights");
      if (o.has("delay")) o.fail("delay", "must be absent: the connection file holds the delays");
    } else {
      pr.weight = parse_distribution(o.require("weight"), source, o.path("weight"));
      pr.delay = parse_distribution(o.require("delay"), source, o.path("delay"));
    }
    // "plasticity": one rule {"rule", "set", "params"} or a list of them, applied in order.
    if (const json* pl = o.find("plasticity")) {
      const auto read_rule = [&](const json& j, const std::string& path) {
        json_object po(j, path, source);
        plasticity_spec spec;
        spec.rule = po.string("rule");
        spec.parameter_set = po.string("set", "");
        spec.params = parse_number_map(po, "params");
        po.finish();
        pr.plasticity.push_back(std::move(spec));
      };
      if (pl->is_array()) {
        for (std::size_t k = 0; k < pl->size(); ++k) read_rule((*pl)[k], fmt::format("{}[{}]", o.path("plasticity"), k));
      } else if (!pl->is_null()) {
        read_rule(*pl, o.path("plasticity"));
      }
    }
    net.projections.push_back(std::move(pr));
  });
  for_each_in_array(top, "stimuli", [&](json_object& o) {
    stimulus s;
    const std::string type = o.string("type");
    s.target = o.string("target");
    if (o.has("neurons")) s.neurons = o.indices("neurons");
    if (type == "poisson") {
      s.type = stimulus::kind::poisson;
      const json& rate = o.require("rate");
      if (rate.is_array()) s.rates = o.numbers("rate");
      else s.rates = {as_number(rate, source, o.path("rate"))};
      s.sources = o.count("sources", 1);
      s.weight = o.number("weight");
      s.receptor = o.string("receptor");
      s.start = o.number("start", 0.0);
      s.stop = o.number("stop", -1.0);
    } else if (type == "dc") {
      s.type = stimulus::kind::dc;
      s.amplitude = o.number("amplitude");
      s.start = o.number("start", 0.0);
      s.stop = o.number("stop", -1.0);
    } else if (type == "step_current") {
      s.type = stimulus::kind::step_current;
      s.times = o.numbers("times");
      s.amplitudes = o.numbers("amplitudes");
    } else {
      o.fail("type", fmt::format("unknown stimulus \"{}\" (known: poisson, dc, step_current)", type));
    }
    net.stimuli.push_back(std::move(s));
  });
  for_each_in_array(top, "recorders", [&](json_object& o) {
    recorder r;
    const std::string type = o.string("type");
    if (type == "spikes") {
      r.type = recorder::kind::spikes;
      r.population = o.string("population");
      if (o.has("neurons")) r.neurons = o.indices("neurons");
    } else if (type == "state") {
      r.type = recorder::kind::state;
      r.population = o.string("population");
      r.variables = o.strings("variables");
      r.neurons = o.indices("neurons");
      r.interval = o.number("interval", net.run.dt);
    } else if (type == "rate") {
      r.type = recorder::kind::rate;
      r.population = o.string("population");
      r.bin = o.number("bin", 1.0);
    } else if (type == "weights") {
      r.type = recorder::kind::weights;
      r.projection = o.string("projection");
      r.times = o.numbers("times");
      r.variable = o.string("variable", "weight");
    } else {
      o.fail("type", fmt::format("unknown recorder \"{}\" (known: spikes, state, rate, weights)", type));
    }
    net.recorders.push_back(std::move(r));
  });
  top.finish();
  validate(net);
  return net;
}

network load_model_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw io_error(fmt::format("{}: no such file", path));
  if (std::filesystem::is_directory(path, ec)) throw io_error(fmt::format("{}: is a directory, not a model file", path));
  std::ifstream f(path);
  if (!f) throw io_error(fmt::format("{}: cannot read file", path));
  std::stringstream ss;
  ss << f.rdbuf();
  const auto base = std::filesystem::path(path).parent_path().string();
  return parse_model_text(ss.str(), path, base.empty() ? "." : base);
}

}  // namespace engram
