#include "kjudge/runner/library_symbols.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <set>

namespace kjudge::runner {

namespace {

/// Far above any real submission library; a bigger file is refused rather than read.
constexpr std::uintmax_t kMaxLibraryBytes = 512ull << 20;

Error Bad(const std::string& what) {
  return MakeError(ErrorCode::kInvalidArgument, "the submission's library is not a readable shared object: " + what);
}

template <typename T>
bool ReadAt(const std::string& data, std::uint64_t offset, T* out) {
  if (offset > data.size() || data.size() - offset < sizeof(T)) return false;
  std::memcpy(out, data.data() + offset, sizeof(T));
  return true;
}

}  // namespace

Result<std::vector<std::string>> ExportedSymbols(const std::filesystem::path& library) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(library, ec);
  if (ec) return Bad(ec.message());
  if (size > kMaxLibraryBytes) return Bad("larger than " + std::to_string(kMaxLibraryBytes >> 20) + " MiB");
  std::ifstream in(library, std::ios::binary);
  std::string data(static_cast<std::size_t>(size), '\0');
  if (!in.read(data.data(), static_cast<std::streamsize>(data.size()))) return Bad("cannot read it");

  Elf64_Ehdr eh;
  if (!ReadAt(data, 0, &eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) return Bad("no ELF header");
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB) return Bad("not 64-bit little-endian");
  if (eh.e_type != ET_DYN) return Bad("not a shared object");
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0) return Bad("no section headers");
  std::vector<Elf64_Shdr> sections(eh.e_shnum);
  for (std::size_t i = 0; i < sections.size(); ++i) {
    if (!ReadAt(data, eh.e_shoff + i * sizeof(Elf64_Shdr), &sections[i])) return Bad("section header out of bounds");
  }
  std::vector<std::string> names;
  bool found = false;
  for (const Elf64_Shdr& sh : sections) {
    if (sh.sh_type != SHT_DYNSYM) continue;
    found = true;
    if (sh.sh_entsize != sizeof(Elf64_Sym) || sh.sh_link >= sections.size()) return Bad("malformed dynamic symbol table");
    const Elf64_Shdr& strtab = sections[sh.sh_link];
    if (strtab.sh_offset > data.size() || data.size() - strtab.sh_offset < strtab.sh_size) return Bad("string table out of bounds");
    const std::string_view strings(data.data() + strtab.sh_offset, strtab.sh_size);
    const std::uint64_t count = sh.sh_size / sizeof(Elf64_Sym);
    for (std::uint64_t i = 0; i < count; ++i) {
      Elf64_Sym sym;
      if (!ReadAt(data, sh.sh_offset + i * sizeof(Elf64_Sym), &sym)) return Bad("symbol out of bounds");
      if (sym.st_shndx == SHN_UNDEF) continue;
      const unsigned bind = ELF64_ST_BIND(sym.st_info);
      if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE) continue;
      const unsigned visibility = ELF64_ST_VISIBILITY(sym.st_other);
      if (visibility != STV_DEFAULT && visibility != STV_PROTECTED) continue;
      if (sym.st_name >= strings.size()) return Bad("symbol name out of bounds");
      const std::string_view rest = strings.substr(sym.st_name);
      const std::size_t end = rest.find('\0');
      if (end == std::string_view::npos) return Bad("unterminated symbol name");
      names.emplace_back(rest.substr(0, end));
    }
  }
  if (!found) return Bad("no dynamic symbol table");
  return names;
}

Status CheckSubmissionExports(const std::vector<std::string>& exported) {
  // What the linker itself defines in every shared object.
  static const std::set<std::string, std::less<>> kLinkerMarkers = {"_init", "_fini", "__bss_start", "_edata", "_end", ""};
  std::set<std::string> refused;
  for (const std::string& name : exported) {
    if (name == "kj_call" || kLinkerMarkers.count(name) != 0) continue;
    // C++ names (std:: template instances keep default visibility even under -fvisibility=hidden)
    // cannot stand in for C library or GPU runtime functions; the harness's namespace is reserved.
    const bool cxx = name.rfind("_Z", 0) == 0;
    const bool harness = name.rfind("_ZN6kjudge", 0) == 0 || name.rfind("_ZNK6kjudge", 0) == 0;
    if (cxx && !harness) continue;
    refused.insert(name);
  }
  if (refused.empty()) return Ok();
  std::string list;
  std::size_t shown = 0;
  for (const auto& n : refused) {
    if (shown++ == 8) {
      list += ", ... (" + std::to_string(refused.size()) + " in all)";
      break;
    }
    list += (list.empty() ? "" : ", ") + n.substr(0, 80);
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "the submission exports reserved or C-linkage symbols: " + list +
                       ". A submission may define only its entry point; give helpers internal linkage (static or an "
                       "anonymous namespace), and do not define functions of the C library, the CUDA/HIP runtime or kjudge.");
}

}  // namespace kjudge::runner
