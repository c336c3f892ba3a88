// bellows hash: rewrite bellows.sum from the directory.

#include "cli/commands.h"
#include "engine/sum_file.h"

namespace bellows::cli {

Command SetupHash(CLI::App& app) {
  CLI::App* sub =
      app.add_subcommand("hash", "Rewrite bellows.sum with the SHA-256 of every migration file");
  return {sub, [](Session& s) -> Status {
            BELLOWS_ASSIGN_OR_RETURN(Directory dir, s.LoadDir());
            BELLOWS_TRY(WriteSumFile(dir));
            s.out().Line("wrote " + SumFilePath(dir) + " (" + std::to_string(dir.files.size()) +
                         " files)");
            s.out().fields()["file"] = SumFilePath(dir);
            s.out().fields()["files"] = dir.files.size();
            return Status::Ok();
          }};
}

Status CheckSum(Session& s, const Directory& dir, bool require_sum) {
  bool missing = false;
  BELLOWS_TRY(CheckSumFile(dir, &missing));
  if (missing) {
    if (require_sum) {
      return BELLOWS_ERR(kInvalid, "no bellows.sum in " + dir.path)
          .WithHint("run bellows hash and commit bellows.sum");
    }
    s.out().Warn("no bellows.sum in " + dir.path +
                 ": checksums are compared with the database only (run bellows hash)");
  }
  return Status::Ok();
}

}  // namespace bellows::cli
