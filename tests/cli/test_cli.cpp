// The `facecheck` command's output is a contract scripts rely on: these run
// the real binary on real photos and check its JSON and exit codes.
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli_support.h"
#include "storage/store.h"
#include "test_support.h"
#include "vision/face_engine.h"
#include "vision/image_decoder.h"

using facecheck::testing::data;
using facecheck::testing::last_json_line;
using facecheck::testing::run_cli;

TEST(Cli, DetectPrintsTheDocumentedJson) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  const std::string drawn = (std::filesystem::temp_directory_path() / "fc_drawn.jpg").string();
  const auto r =
      run_cli("detect " + data("conformance/face-api/images/faces.jpg") + " --draw " + drawn);
  ASSERT_EQ(r.exit_code, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["width"], 710);
  EXPECT_EQ(j["height"], 473);
  ASSERT_EQ(j["faces"].size(), 6u);
  for (const auto& f : j["faces"]) {
    EXPECT_EQ(f["box"].size(), 4u);
    EXPECT_GE(f["score"].get<double>(), 0.5);
    EXPECT_EQ(f["landmarks"].size(), 68u);
    EXPECT_TRUE(f["quality"].contains("sharpness"));
    EXPECT_TRUE(f["quality"].contains("pose"));
  }
  EXPECT_GT(std::filesystem::file_size(drawn), 10000u);
  std::filesystem::remove(drawn);

  const auto tiny = run_cli("detect " + data("conformance/face-api/images/faces.jpg") +
                            " --detector tiny --input-size 416");
  ASSERT_EQ(tiny.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(tiny.out)["faces"].size(), 6u);
}

TEST(Cli, EmbedWholeMatchesFaceApiReference) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  const auto r = run_cli("embed --whole --model dlib-resnet34-128 " +
                         data("conformance/face-api/images/face1.png"));
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(r.out)["faces"][0]["model"], "dlib-resnet34-128");
  const auto got = nlohmann::json::parse(r.out)["faces"][0]["embedding"];
  std::ifstream in(data("conformance/face-api/expected/faceDescriptor1.json"));
  const auto want = nlohmann::json::parse(in);
  ASSERT_EQ(got.size(), 128u);
  double sum = 0;
  for (size_t i = 0; i < 128; ++i) sum += std::pow(got[i].get<double>() - want[i].get<double>(), 2);
  EXPECT_LT(std::sqrt(sum), 0.1);

  // The default model: 512 values of unit length.
  const auto arc = run_cli("embed " + data("lfw/images/Abel_Pacheco/Abel_Pacheco_0001.jpg"));
  ASSERT_EQ(arc.exit_code, 0);
  const auto face = nlohmann::json::parse(arc.out)["faces"][0];
  EXPECT_EQ(face["model"], "arcface-fp-512");
  ASSERT_EQ(face["embedding"].size(), 512u);
  double n2 = 0;
  for (const auto& v : face["embedding"]) n2 += v.get<double>() * v.get<double>();
  EXPECT_NEAR(n2, 1.0, 1e-3);
  EXPECT_NE(
      run_cli("embed --model nope " + data("conformance/face-api/images/face1.png")).exit_code, 0);
  // Benchmarks may choose the metric; an unknown one is refused.
  EXPECT_NE(run_cli("eval-pairs --pairs x --images y --metric manhattan").exit_code, 0);

  const auto lm = run_cli("landmarks --whole " + data("conformance/face-api/images/face1.png"));
  ASSERT_EQ(lm.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(lm.out)["faces"][0]["landmarks"].size(), 68u);
}

TEST(Cli, CompareGivesVerdicts) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  const auto same = run_cli("compare " + data("lfw/images/Abel_Pacheco/Abel_Pacheco_0001.jpg") +
                            " " + data("lfw/images/Abel_Pacheco/Abel_Pacheco_0004.jpg"));
  ASSERT_EQ(same.exit_code, 0);
  EXPECT_TRUE(nlohmann::json::parse(same.out)["same_person"].get<bool>());
  const auto diff = run_cli("compare " + data("lfw/images/Abel_Pacheco/Abel_Pacheco_0001.jpg") +
                            " " + data("lfw/images/Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg"));
  ASSERT_EQ(diff.exit_code, 0);
  EXPECT_FALSE(nlohmann::json::parse(diff.out)["same_person"].get<bool>());
  // No face: a distinct exit code, nothing on stdout.
  const auto none = run_cli("compare " + data("conformance/face-api/images/white.png") + " " +
                            data("conformance/face-api/images/face1.png"));
  EXPECT_EQ(none.exit_code, 4);
  EXPECT_TRUE(none.out.empty());
}

TEST(Cli, BadInputGetsAClearErrorNotACrash) {
  REQUIRE_DATA();
  for (const char* bad :
       {"faces/compreface/imgtools_test/truncated.jpg",
        "faces/compreface/imgtools_test/corrupted.png", "faces/compreface/imgtools_test/empty.png",
        "README.md", "no/such/file.jpg"}) {
    const auto r = run_cli("detect " + data(bad));
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_TRUE(r.out.empty()) << bad;
  }
  EXPECT_NE(run_cli("detect " + data("conformance/face-api/images/faces.jpg") + " --detector nope")
                .exit_code,
            0);
  EXPECT_NE(run_cli("detect " + data("conformance/face-api/images/faces.jpg") +
                    " --detector tiny --input-size 100")
                .exit_code,
            0);
}

// `eval-pairs --errors` lists exactly the pairs its folds got wrong, among
// them a pair of two different people labelled "same" on purpose.
TEST(Cli, EvalPairsListsTheMisclassifiedPairs) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  const facecheck::testing::TempDir scratch("facecheck-cli-errors");
  const auto& dir = scratch.path();
  const auto pairs = dir / "pairs.tsv";
  {
    std::ofstream out(pairs);
    out << "# img_a img_b same fold\n"
        << "Abel_Pacheco/Abel_Pacheco_0001.jpg Abel_Pacheco/Abel_Pacheco_0004.jpg 1 1\n"
        << "Abel_Pacheco/Abel_Pacheco_0001.jpg Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg 0 1\n"
        << "Grant_Hackett/Grant_Hackett_0001.jpg Akhmed_Zakayev/Akhmed_Zakayev_0003.jpg 1 1\n"
        << "Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg Akhmed_Zakayev/Akhmed_Zakayev_0003.jpg 1 2\n"
        << "Grant_Hackett/Grant_Hackett_0001.jpg Abel_Pacheco/Abel_Pacheco_0002.jpg 0 2\n"
        << "Grant_Hackett/Grant_Hackett_0002.jpg Grant_Hackett/Grant_Hackett_0003.jpg 1 2\n";
  }
  const auto errors = dir / "errors.tsv";
  const auto run = run_cli("eval-pairs --threads 1 --pairs " + pairs.string() + " --images " +
                           data("lfw/images") + " --errors " + errors.string());
  ASSERT_EQ(run.exit_code, 0) << run.out;
  std::ifstream in(errors);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  // As many rows as the folds' accuracies say were wrong (3 pairs a fold)...
  const auto report = last_json_line(run.out);
  double wrong = 0;
  for (const auto& f : report["folds"]) wrong += 3 * (1 - f["accuracy"].get<double>());
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("fold\tsame\tdistance", 0), 0u);
  EXPECT_EQ(lines.size() - 1, static_cast<size_t>(std::lround(wrong)));
  // ...and the mislabelled pair among them.
  bool listed = false;
  for (const auto& line : lines)
    listed |= line.find("Grant_Hackett_0001.jpg\t") != std::string::npos &&
              line.find("Akhmed_Zakayev_0003.jpg") != std::string::npos;
  EXPECT_TRUE(listed);

  // A file that cannot be written is a clear error, not a silent skip.
  const auto bad =
      run_cli("eval-pairs --threads 1 --pairs " + pairs.string() + " --images " +
              data("lfw/images") + " --errors " + (dir / "no/such/dir/e.tsv").string());
  EXPECT_NE(bad.exit_code, 0);
}

TEST(Cli, EvalIdentifyReportsAttendeesAndWritesEmbeddings) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  const facecheck::testing::TempDir scratch("facecheck-cli-identify");
  const auto& dir = scratch.path();
  const auto list = dir / "list.tsv";
  {
    std::ofstream out(list);
    out << "# identity image\n";
    for (const char* name : {"Angela_Bassett", "Ann_Veneman", "Bill_Frist"})
      for (int i = 1; i <= 3; ++i)
        out << name << "\t" << name << "/" << name << "_000" << i << ".jpg\n";
  }
  const auto tsv = dir / "embeddings.tsv";
  const std::string common = "eval-identify --threads 1 --unknown 4 --list " + list.string() +
                             " --images " + data("lfw/images") + " --people " +
                             data("lfw/people.tsv");
  const auto run =
      run_cli(common + " --embeddings-out " + tsv.string() + " --event-sizes 2,3 --events 5");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const auto report = last_json_line(run.out);
  ASSERT_EQ(report["gallery_size"], 3);
  ASSERT_EQ(report["attendees_at_fpir_1pct"].size(), 3u);  // first 1, 2, 3 photos
  double previous = 0;
  for (const auto& row : report["attendees_at_fpir_1pct"]) {
    EXPECT_EQ(row["attendees"], 3);
    EXPECT_GE(row["checked_in"].get<double>(), previous);  // more photos never lose anybody
    previous = row["checked_in"].get<double>();
  }

  // Random events of 2 and 3 people at the server's default for their size.
  ASSERT_EQ(report["event_sizes"].size(), 2u);
  for (const auto& row : report["event_sizes"]) {
    const int size = row["event_size"].get<int>();
    EXPECT_EQ(row["events"], 5);
    EXPECT_EQ(row["attendees"], 5 * size);
    EXPECT_GT(row["threshold"].get<double>(), 0.4);
    EXPECT_LE(row["threshold"].get<double>(), 0.7201);  // the default model's 1:1 threshold caps it
    EXPECT_GE(row["fpir"].get<double>(), 0.0);
    EXPECT_LE(row["fpir"].get<double>(), 1.0);
  }
  EXPECT_GE(report["event_sizes"][0]["threshold"].get<double>(),
            report["event_sizes"][1]["threshold"].get<double>());  // larger event, stricter

  // One row per photo: 3 templates, 6 mated searches, 4 strangers, each with
  // its role, its person and the 512 numbers of its embedding.
  std::map<std::string, int> roles;
  std::ifstream in(tsv);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string role, identity, image;
    std::getline(fields, role, '\t');
    std::getline(fields, identity, '\t');
    std::getline(fields, image, '\t');
    ++roles[role];
    if (role != "nonmated") {
      EXPECT_EQ(image.rfind(identity + "/", 0), 0u) << line;
    }
    double norm = 0;
    int values = 0;
    for (double v; fields >> v; ++values) norm += v * v;
    EXPECT_EQ(values, 512) << image;
    // dlib's descriptors are not unit vectors; their length sits around 1.4.
    EXPECT_GT(std::sqrt(norm), 0.5) << image;
    EXPECT_LT(std::sqrt(norm), 3.0) << image;
  }
  EXPECT_EQ(roles["template"], 3);
  EXPECT_EQ(roles["mated"], report["mated_probes"].get<int>());
  EXPECT_EQ(roles["nonmated"], 4);

  // A file that cannot be written fails before any photo is embedded.
  const auto bad = run_cli(common + " --embeddings-out " + (dir / "no/such/e.tsv").string());
  EXPECT_NE(bad.exit_code, 0);
  // So does an event larger than the gallery.
  EXPECT_NE(run_cli(common + " --event-sizes 4").exit_code, 0);
}

// `admin reembed`: templates of the old model whose photo was kept are
// recomputed with the new one (same person, label and photo); one without a
// photo is counted as needing re-enrolment and left as it was.
TEST(Cli, ReembedRecomputesTemplatesFromStoredPhotos) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  facecheck::testing::TempDir dir("reembed");
  facecheck::storage::Id person = 0;
  {
    auto store = facecheck::storage::Store::open(dir.path() / "facecheck.db");
    facecheck::storage::Person p;
    p.name = "Abel Pacheco";
    person = store.create_person(p).id;
    facecheck::vision::FaceEngine dlib(facecheck::testing::models_dir(),
                                       facecheck::vision::kDlibModelId);
    const std::string bytes =
        facecheck::testing::read_bytes(data("lfw/images/Abel_Pacheco/Abel_Pacheco_0001.jpg"));
    facecheck::storage::FaceTemplate t;
    t.person_id = person;
    t.label = "front";
    t.model = "dlib-resnet34-128";
    t.embedding = dlib.analyze(facecheck::vision::decode_image(bytes)).at(0).embedding;
    store.add_template(t, facecheck::storage::Bytes(bytes.begin(), bytes.end()));
    t.label = "no photo";
    store.add_template(t);
  }
  const auto r = run_cli("admin reembed --data " + dir.path().string() + " --model arcface-fp-512");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto report = last_json_line(r.out);
  EXPECT_EQ(report["reembedded"], 1);
  EXPECT_EQ(report["without_photo"], 1);
  EXPECT_TRUE(report["failed"].empty());

  auto store = facecheck::storage::Store::open(dir.path() / "facecheck.db");
  const auto templates = store.list_templates(person);
  ASSERT_EQ(templates.size(), 2u);
  std::map<std::string, facecheck::storage::FaceTemplate> by_label;
  for (const auto& t : templates) by_label[t.label] = t;
  EXPECT_EQ(by_label["front"].model, "arcface-fp-512");
  EXPECT_EQ(by_label["front"].embedding.size(), 512u);
  EXPECT_TRUE(by_label["front"].has_photo);
  EXPECT_EQ(by_label["no photo"].model, "dlib-resnet34-128");
  // The recomputed template is the person: the same face embeds near it.
  facecheck::vision::FaceEngine arcface(facecheck::testing::models_dir());
  const auto probe = arcface.analyze(
      facecheck::vision::read_image_file(data("lfw/images/Abel_Pacheco/Abel_Pacheco_0004.jpg")));
  ASSERT_FALSE(probe.empty());
  EXPECT_LT(facecheck::vision::cosine_distance(probe[0].embedding, by_label["front"].embedding),
            0.6f);
  // Nothing left to do: a second run recomputes nothing.
  EXPECT_EQ(
      last_json_line(run_cli("admin reembed --data " + dir.path().string()).out)["reembedded"], 0);
}

// A stored photo in which no face is found is reported, and its template is
// left as it was; the command exits non-zero.
TEST(Cli, ReembedReportsPhotosItCannotUse) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  facecheck::testing::TempDir dir("reembed-fail");
  facecheck::storage::Id person = 0;
  {
    auto store = facecheck::storage::Store::open(dir.path() / "facecheck.db");
    facecheck::storage::Person p;
    p.name = "Nobody";
    person = store.create_person(p).id;
    const std::string white =
        facecheck::testing::read_bytes(data("conformance/face-api/images/white.png"));
    facecheck::storage::FaceTemplate t;
    t.person_id = person;
    t.model = "dlib-resnet34-128";
    t.embedding.assign(128, 0.05f);
    store.add_template(t, facecheck::storage::Bytes(white.begin(), white.end()));
  }
  const auto r = run_cli("admin reembed --data " + dir.path().string());
  EXPECT_NE(r.exit_code, 0);
  const auto report = last_json_line(r.out);
  EXPECT_EQ(report["reembedded"], 0);
  ASSERT_EQ(report["failed"].size(), 1u);
  EXPECT_EQ(report["failed"][0]["person_id"], person);
  EXPECT_NE(report["failed"][0]["problem"].get<std::string>().find("no face"), std::string::npos);
  auto store = facecheck::storage::Store::open(dir.path() / "facecheck.db");
  EXPECT_EQ(store.list_templates(person).at(0).model, "dlib-resnet34-128");
}
