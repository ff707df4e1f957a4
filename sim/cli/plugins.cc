#include "sim/cli/plugins.h"

#include <dlfcn.h>

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "sim/core/errors.h"

namespace accelgym::cli {
namespace {

namespace fs = std::filesystem;

// Where the plugins are: beside the running binary (the build tree and an installed tree have
// the same layout), else the configured install directory.
fs::path plugin_path(const std::string& file) {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    const fs::path beside = exe.parent_path() / ACCELGYM_PLUGIN_DIR_FROM_BIN / file;
    if (fs::exists(beside, error)) return beside;
  }
  return fs::path(ACCELGYM_INSTALLED_PLUGIN_DIR) / file;
}

// dlopen + dlsym of the plugin's entry point, which returns its function table.
template <class Table>
const Table& load(const char* file, const char* entry, const char* needed_for) {
  const fs::path path = plugin_path(file);
  // RTLD_NOW: a symbol the plugin needs and the binary lacks fails here, with its name.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    throw InputError(fmt::format("{} needs the plugin {}, which did not load: {}", needed_for,
                                 path.string(), dlerror()));
  }
  using Entry = const Table* (*)();
  const auto get = reinterpret_cast<Entry>(dlsym(handle, entry));
  if (get == nullptr) {
    throw InputError(fmt::format("{}: no entry point {} ({})", path.string(), entry, dlerror()));
  }
  return *get();  // the handle stays open: the table's functions live in the plugin
}

}  // namespace

const SystemcPlugin& systemc_plugin() {
  static const SystemcPlugin& plugin =
      load<SystemcPlugin>("accelgym-systemc.so", "accelgym_systemc_plugin", "engine systemc");
  return plugin;
}

const PagmoPlugin& pagmo_plugin() {
  static const PagmoPlugin& plugin =
      load<PagmoPlugin>("accelgym-pagmo.so", "accelgym_pagmo_plugin", "a hypervolume");
  return plugin;
}

const MpiPlugin& mpi_plugin() {
#ifdef ACCELGYM_WITH_MPI
  static const MpiPlugin& plugin =
      load<MpiPlugin>("accelgym-mpi.so", "accelgym_mpi_plugin", "a sweep under mpirun / srun");
  return plugin;
#else
  throw InputError(
      "this accelgym was built without MPI (CMake found none): "
      "a sweep under mpirun / srun cannot run; run it on local workers");
#endif
}

}  // namespace accelgym::cli
