// A main() for fuzz_engine.cc where libFuzzer is not available (any compiler, ctest):
//   fuzz_replay [--random N] [file or directory]...
// runs the harness on every file given (a directory: every file in it, e.g. the seed corpus) and on
// N inputs from a fixed-seed generator, so the reference-model comparison runs in every test build.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

size_t RunFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "fuzz_replay: cannot read %s\n", path.string().c_str());
    std::exit(2);
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  size_t runs = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--random") == 0 && i + 1 < argc) {
      const unsigned long count = std::strtoul(argv[++i], nullptr, 10);
      uint64_t state = 0x9E3779B97F4A7C15ull;  // fixed seed: the same inputs on every run
      std::vector<uint8_t> input;
      for (unsigned long n = 0; n < count; ++n) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        input.resize(8 + state % 600);
        for (auto& b : input) {
          state ^= state << 13, state ^= state >> 7, state ^= state << 17;
          b = static_cast<uint8_t>(state >> 24);
        }
        LLVMFuzzerTestOneInput(input.data(), input.size());
        ++runs;
      }
      continue;
    }
    const std::filesystem::path path(argv[i]);
    if (std::filesystem::is_directory(path)) {
      for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (entry.is_regular_file() && entry.path().filename().string()[0] != '.' &&
            entry.path().extension() != ".md") {
          runs += RunFile(entry.path());
        }
      }
    } else {
      runs += RunFile(path);
    }
  }
  std::printf("fuzz_replay: %zu inputs, no mismatch\n", runs);
  return runs > 0 ? 0 : 1;
}
