// The compiler driver: finds and reads files, resolves `use` to module files, and runs the
// stages in order: parse, check, generate, link, verify.
#include "compiler/compiler.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <map>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "bytecode/verifier.h"
#include "compiler/checker.h"
#include "compiler/codegen.h"
#include "compiler/lints.h"
#include "compiler/parser.h"
#include "compiler/stdlib_source.h"

namespace ppl {
namespace {

namespace fs = std::filesystem;

// `x.ppl`, `x.PPL`, `x.Ppl`: a policy source whatever the case of its extension.
bool isPplName(const std::string& name) {
  constexpr std::string_view kExt = ".ppl";
  if (name.size() <= kExt.size()) return false;
  return std::equal(kExt.begin(), kExt.end(), name.end() - static_cast<std::ptrdiff_t>(kExt.size()),
                    [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

// False with `why` set (the system's reason, e.g. "Permission denied") when it cannot. Reads
// at most the parser's size limit and one byte more, which the parser refuses: `/dev/zero`
// or a runaway file costs no more than that.
bool readFile(const std::string& path, std::string& out, std::string& why) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = errno ? std::strerror(errno) : "cannot open";
    return false;
  }
  why = "read error";
  const size_t cap = ParseLimits{}.maxBytes + 1;
  out.clear();
  char buffer[1 << 16];
  while (out.size() < cap && in) {
    in.read(buffer, static_cast<std::streamsize>(std::min(sizeof buffer, cap - out.size())));
    out.append(buffer, static_cast<size_t>(in.gcount()));
  }
  return !in.bad();
}

std::string canonical(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::path(path), ec);
  return ec ? path : p.string();
}

class Driver {
 public:
  Driver(CheckedProgram& prog, Diagnostics& diags, SourceManager& sources) : prog_(prog), diags_(diags), sources_(sources) {}

  // Parses `path` (once); null on error.
  ast::Unit* load(const std::string& path, const Span& from) {
    std::string key = canonical(path);
    if (auto it = byPath_.find(key); it != byPath_.end()) return it->second;
    std::string text, why;
    if (!readFile(path, text, why)) {
      diags_.error(from, fmt::format("cannot read `{}`: {}", path, why));
      byPath_[key] = nullptr;
      return nullptr;
    }
    uint32_t file = sources_.add(path, std::move(text));
    std::unique_ptr<ast::Unit> unit = parseUnit(file, sources_, diags_);
    ast::Unit* raw = unit.get();
    byPath_[key] = raw;
    if (unit) {
      dirOf_[raw] = fs::path(path).parent_path().string();
      prog_.units.push_back(std::move(unit));
    }
    return raw;
  }

  // Loads the modules `unit` uses, transitively, and reports a cycle of `use`s at the `use` that
  // closes it: here, so that `pplc check` finds it in modules no policy uses yet.
  void resolveUses(ast::Unit& unit) {
    if (resolved_.count(&unit)) return;
    resolved_.insert(&unit);
    resolving_.push_back(&unit);
    for (ast::UseDecl& use : unit.uses) {
      fs::path p = fs::path(dirOf_[&unit]) / (use.module + ".ppl");
      std::error_code ec;
      if (!fs::exists(p, ec)) {
        diags_.error(use.span, fmt::format("no module `{}`: `use {}` looks for the file `{}`", use.module, use.module, p.string()));
        continue;
      }
      ast::Unit* m = load(p.string(), use.span);
      if (!m) continue;
      if (m->kind != ast::UnitKind::kModule) {
        diags_.error(use.span, fmt::format("`{}` is not a module (it starts with `{}`)", p.string(),
                                           m->kind == ast::UnitKind::kPolicy ? "policy" : "schema"));
        continue;
      }
      if (m->name != use.module) {
        diags_.error(use.span, fmt::format("`{}` declares module `{}`, not `{}`", p.string(), m->name, use.module));
        continue;
      }
      auto onPath = std::find(resolving_.begin(), resolving_.end(), m);
      if (onPath != resolving_.end()) {
        std::string chain;
        for (auto it = onPath; it != resolving_.end(); ++it) chain += fmt::format("`{}` -> ", (*it)->name);
        diags_.error(use.span, fmt::format("module `{}` uses itself ({}`{}`)", m->name, chain, m->name),
                     {"modules cannot use each other in a cycle"});
        continue;
      }
      use.unit = m;
      resolveUses(*m);
    }
    resolving_.pop_back();
  }

  // Every `.ppl` file named, or in a named directory (sorted, not recursive: a file's modules
  // are found beside it, so a subdirectory's files would need modules of their own).
  bool expand(const std::vector<std::string>& paths, std::vector<std::string>& files) {
    bool ok = true;
    std::vector<std::string> dirs;
    for (const auto& p : paths) {
      std::error_code ec;
      if (fs::is_directory(p, ec)) {
        std::vector<std::string> found;
        // With error codes throughout: a dangling link or a file removed meanwhile is skipped or
        // reported, never an exception.
        for (fs::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
          std::error_code fileEc;
          if (it->path().extension() != ".ppl") continue;
          if (it->is_regular_file(fileEc)) {
            found.push_back(it->path().string());
          } else if (it->is_symlink(fileEc) && !fs::exists(it->path(), fileEc)) {
            // A policy the directory means to hold, whose link broke: not a file to skip quietly.
            diags_.error(Span{kNoFile}, fmt::format("`{}` is a link to a file that does not exist", it->path().string()));
            ok = false;
          }
        }
        std::sort(found.begin(), found.end());
        if (ec) {
          diags_.error(Span{kNoFile}, fmt::format("cannot read the directory `{}`: {}", p, ec.message()));
          ok = false;
        } else if (found.empty()) {
          diags_.error(Span{kNoFile}, fmt::format("no `.ppl` files in `{}`", p));
          ok = false;
        }
        files.insert(files.end(), found.begin(), found.end());
        dirs.push_back(p);
      } else if (fs::exists(p, ec)) {
        files.push_back(p);
      } else {
        diags_.error(Span{kNoFile}, fmt::format("`{}` does not exist", p));
        ok = false;
      }
    }
    for (const auto& dir : dirs) warnUnread(dir, dirs, files);
    return ok;
  }

  // A policy filed in a subdirectory of a directory given, or saved as `X.PPL`, is in none of
  // the files read: said so, or a CI gate passes and the pack ships without it. A file also
  // named on its own (`pplc check policies policies/regional`) is read, and not warned about;
  // what a directory given below `dir` holds is left to that directory's own walk.
  void warnUnread(const std::string& dir, const std::vector<std::string>& dirs, const std::vector<std::string>& files) {
    std::set<fs::path> read, given;
    std::error_code ec;
    for (const auto& f : files) read.insert(fs::weakly_canonical(f, ec));
    for (const auto& d : dirs) given.insert(fs::weakly_canonical(d, ec));
    std::vector<std::pair<fs::path, bool>> unread;  // and whether it is at the top level
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      std::error_code fileEc;
      const fs::path& path = it->path();
      if (it->is_directory(fileEc) && given.count(fs::weakly_canonical(path, fileEc)) > 0) {
        it.disable_recursion_pending();
        continue;
      }
      if (!isPplName(path.filename().string()) || !it->is_regular_file(fileEc)) continue;
      if (it.depth() == 0 && path.extension() == ".ppl") continue;
      if (read.count(fs::weakly_canonical(path, fileEc)) == 0) unread.emplace_back(path, it.depth() == 0);
    }
    std::sort(unread.begin(), unread.end());
    for (const auto& [path, topLevel] : unread) {
      const fs::path parent = path.parent_path();
      const std::string lower = path.stem().string() + ".ppl";
      std::vector<std::string> notes;
      std::string why;
      if (topLevel) {
        why = "only names ending in `.ppl`, in lower case, are read";
        notes.push_back(fmt::format("rename it `{}`", lower));
      } else {
        why = fmt::format("it is in the subdirectory `{}`, and a directory stands for the `.ppl` files at its top level only",
                          parent.string());
        notes.push_back(fmt::format("name the subdirectory too (`{}`), or move the file up into `{}`", parent.string(), dir));
        if (path.extension() != ".ppl") notes.push_back(fmt::format("rename it `{}` as well: only names ending in `.ppl`, in lower case, are read", lower));
      }
      diags_.warning(Span{kNoFile}, "unread-file", fmt::format("`{}` is not read: {}", path.string(), why),
                     std::move(notes));
    }
  }

 private:
  CheckedProgram& prog_;
  Diagnostics& diags_;
  SourceManager& sources_;
  std::map<std::string, ast::Unit*> byPath_;
  std::map<const ast::Unit*, std::string> dirOf_;
  std::set<const ast::Unit*> resolved_;
  std::vector<const ast::Unit*> resolving_;  // the chain of `use`s being followed
};

// A source's path as the program stores it: lexically normal, and relative to the current
// directory when the file is under it, so that `policies`, `./policies` and `$PWD/policies` build
// the same bytes, and a CI runner's directory does not ship in the pack. Diagnostics keep the
// path as given: it is the one the user typed.
std::string storedPath(const std::string& path) {
  const fs::path p = fs::path(path).lexically_normal();
  if (!p.is_absolute()) return p.generic_string();
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (ec) return p.generic_string();
  auto under = [](const fs::path& file, const fs::path& dir, fs::path& relative) {
    relative = file.lexically_relative(dir);
    return !relative.empty() && *relative.begin() != ".." && relative != ".";
  };
  fs::path relative;
  if (under(p, cwd, relative)) return relative.generic_string();
  // `$PWD` may go through a link that the current directory, as the system gives it, resolves.
  const fs::path real = fs::weakly_canonical(p, ec);
  if (!ec && under(real, cwd, relative)) return relative.generic_string();
  return p.generic_string();
}

}  // namespace

bool builtinSchema(Schema& out, Diagnostics& diags, SourceManager& sources) {
  uint32_t file = sources.add("<builtin>/stdlib/claim.ppl", kClaimSchemaSource);
  std::unique_ptr<ast::Unit> unit = parseUnit(file, sources, diags);
  if (!unit) return false;
  if (unit->kind != ast::UnitKind::kSchema) {
    diags.error(unit->nameSpan, "the built-in schema is not a schema");
    return false;
  }
  return lowerSchema(*unit, out, diags);
}

// Parses and checks. With `policiesOnly`, files that are modules are loaded only when used.
static bool checkPaths(const std::vector<std::string>& paths, bool policiesOnly, CheckedProgram& prog, Diagnostics& diags,
                       SourceManager& sources) {
  if (!builtinSchema(prog.schema, diags, sources)) return false;
  Driver driver(prog, diags, sources);
  std::vector<std::string> files;
  bool ok = driver.expand(paths, files);
  // In the order of their stored paths, not of the command line: `pplc build b.ppl a.ppl` builds
  // the bytes `pplc build a.ppl b.ppl` does (which policy governs a claim never depends on it).
  std::vector<std::pair<std::string, std::string>> byStoredPath;
  for (std::string& f : files) byStoredPath.emplace_back(storedPath(f), std::move(f));
  std::stable_sort(byStoredPath.begin(), byStoredPath.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < files.size(); ++i) files[i] = std::move(byStoredPath[i].second);
  std::vector<ast::Unit*> roots;
  for (const auto& f : files) {
    ast::Unit* u = driver.load(f, Span{kNoFile});
    if (u) {
      u->given = true;
      roots.push_back(u);
    }
  }
  for (ast::Unit* u : roots) driver.resolveUses(*u);
  if (!ok || diags.hasErrors()) return false;
  if (policiesOnly) {
    bool anyPolicy = false;
    for (ast::Unit* u : roots) anyPolicy |= u->kind == ast::UnitKind::kPolicy;
    if (!anyPolicy) {
      diags.error(Span{kNoFile}, "no policy among the files given (a policy file starts with `policy`)");
      return false;
    }
    // Checking a module that no policy uses is `pplc check`'s job; here they are left out so
    // that a pack directory can hold unfinished modules: ones that parse but do not check yet.
    // A file that does not parse stops the build above, since what it declares is unknown.
    std::set<const ast::Unit*> used;
    std::function<void(const ast::Unit*)> mark = [&](const ast::Unit* u) {
      if (!used.insert(u).second) return;
      for (const auto& use : u->uses) {
        if (use.unit) mark(use.unit);
      }
    };
    for (ast::Unit* u : roots) {
      if (u->kind == ast::UnitKind::kPolicy) mark(u);
    }
    std::vector<std::unique_ptr<ast::Unit>> kept;
    for (auto& u : prog.units) {
      if (used.count(u.get())) kept.push_back(std::move(u));
    }
    prog.units = std::move(kept);
  }
  for (const auto& u : prog.units) {
    if (u->kind == ast::UnitKind::kSchema) {
      diags.error(u->nameSpan, "a schema cannot be compiled with policies: the claim schema is built in");
    }
  }
  if (diags.hasErrors()) return false;
  if (!checkProgram(prog, diags)) return false;
  std::map<std::string, const CheckedPolicy*> ids;
  for (const auto& p : prog.policies) {
    if (!ids.emplace(p.id, &p).second) {
      diags.error(p.unit->nameSpan, fmt::format("two policies are named `{}`", p.id));
    }
  }
  return !diags.hasErrors();
}

bool compileChecked(const std::vector<std::string>& paths, CheckedProgram& checked, Diagnostics& diags, SourceManager& sources) {
  return checkPaths(paths, true, checked, diags, sources);
}

bool generateLinked(const CheckedProgram& checked, const SourceManager& sources, Program& program, Diagnostics& diags) {
  if (!generateProgram(checked, sources, program, diags)) return false;
  for (std::string& file : program.files) file = storedPath(file);
  std::string error;
  if (!program.link(error)) {
    diags.internalError(Span{kNoFile}, "internal: the generated program does not link: " + error);
    return false;
  }
  if (!verifyProgram(program, error)) {
    diags.internalError(Span{kNoFile}, "internal: the generated program does not verify: " + error);
    return false;
  }
  return true;
}

bool compilePolicies(const std::vector<std::string>& paths, Program& program, Diagnostics& diags, SourceManager& sources) {
  CheckedProgram checked;
  if (!compileChecked(paths, checked, diags, sources)) return false;
  return generateLinked(checked, sources, program, diags);
}

bool checkFiles(const std::vector<std::string>& paths, Diagnostics& diags, SourceManager& sources) {
  CheckedProgram checked;
  if (!checkPaths(paths, false, checked, diags, sources)) return false;
  lintProgram(checked, diags);
  if (diags.hasErrors()) return false;
  // Code generation too, for what only it can find (a rule needing more than 256 registers):
  // what `check` passes must build.
  Program program;
  return generateLinked(checked, sources, program, diags);
}

}  // namespace ppl
