using System.Text.Json.Nodes;
using Workflow.Host.Tests.Support;
using Workflow.Testing;
using Workflow.Testing.Hostile;
using Xunit.Abstractions;

namespace Workflow.Host.Tests.Hostile;

/// <summary>
/// The hostile-input corpus, generated here (nothing large is committed), run through <c>workflow run</c> as a user
/// would: decompression bombs, headers that ask for millions of entries, pickles under a safetensors name, configs
/// that ask for what no model means, and FIFOs, device links and folders where files belong. Each case ends within
/// a time limit, under a memory bound measured on the process, with its exit code and a message naming the file,
/// node, input or key, and never a .NET stack trace.
/// </summary>
public sealed class HostileCorpusTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// The process's peak resident memory. Measured: 55–70 MiB where the case is refused before libtorch loads,
    /// about 220 MiB for the text and ICC bombs, which load the image (a 4 GB chunk skipped unread) and so libtorch.
    /// </summary>
    private const long MemoryBound = 512L << 20;

    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(60);

    private readonly string _dir = Directory.CreateTempSubdirectory("workflow-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Stands for the test's base folder in what a message says.</summary>
    private const string BaseFolder = "{base}";

    /// <summary>One case: what to plant under the base folder, the extra arguments, the exit code and what the message says.</summary>
    public sealed record Case(Action<string> Plant, string[] Args, int ExitCode, string Says);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["huge IHDR"] = Image("huge.png", HostilePng.HugeIhdr, 3, "node #1 (LoadImage) failed: image = 'huge.png': image size 16384x16384 is 268,435,456 pixels, over the pixel budget of 178,956,970"),
        ["huge 16-bit"] = Image("huge16.png", HostilePng.Huge16Bit, 3, "image = 'huge16.png': image size 16384x16384 is 268,435,456 pixels, over the pixel budget"),
        ["16-bit past one buffer, budget raised"] = Image("wide16.png",
            () => HostilePng.File(HostilePng.Header(65536, 32768, 16, 6), HostilePng.Chunk("IDAT", DeflatedZeros.Zlib(1000))), 3,
            "image = 'wide16.png': image size 65536x32768 with 4 channels needs 8,589,934,592 bytes, more than one buffer holds", "--max-image-pixels", "100000000000"),
        ["budget lowered"] = Image("small.png", () => HostilePng.Zeros(8, 8), 3, "image size 8x8 is 64 pixels, over the pixel budget of 63", "--max-image-pixels", "63"),
        ["zTXt bomb, unread"] = Image("ztxt.png", () => HostilePng.TextBomb("zTXt", "comment", 4L << 30), 0, "executed 2 node(s)"),
        ["iTXt bomb, unread"] = Image("itxt.png", () => HostilePng.TextBomb("iTXt", "workflow", 4L << 30), 0, "executed 2 node(s)"),
        ["iCCP bomb, unread"] = Image("iccp.png", () => HostilePng.IccpBomb(4L << 30), 0, "executed 2 node(s)"),
        ["truncated IDAT"] = Image("cut.png", () => HostilePng.TruncatedIdat(100), 3, "image = 'cut.png': a PNG image that could not be decoded (the file ends before the image does)"),
        ["image FIFO"] = SpecialImage(SpecialFiles.Fifo, "image - Invalid image file: in.png is a FIFO (named pipe), not a regular file"),
        ["image link to /dev/zero"] = SpecialImage(SpecialFiles.LinkToDevZero, "image - Invalid image file: in.png is a character device, not a regular file"),
        ["image folder"] = SpecialImage(SpecialFiles.Folder, "image - Invalid image file: in.png is a directory, not a regular file"),
        ["a million empty entries"] = Checkpoint("million.safetensors", () => HostileCheckpoints.EmptyEntries(1_000_000, i => $"t{i}"), "the header lists more than 100,000 entries"),
        // Files are read by content: a torch.save archive named .safetensors is read as one (here an empty state dict).
        ["torch zip named .safetensors"] = new(dir => Write(dir, "models/checkpoints/zip.safetensors", HostileCheckpoints.TorchZip()), Sd15("zip.safetensors"), 3,
            $"ckpt_name = 'zip.safetensors': {BaseFolder}/models/checkpoints/zip.safetensors is not an SD1.x checkpoint in the original layout"),
        ["legacy pickle named .safetensors, cut short"] = Checkpoint("legacy.safetensors", HostileCheckpoints.LegacyTorchPickle, "sys_info pickle byte 21 (opcode 0x00): unknown opcode 0x00"),
        ["deep header"] = Checkpoint("deep.safetensors", () => HostileCheckpoints.DeepHeader(100_000), "the header is not valid JSON"),
        ["checkpoint FIFO"] = new(dir => SpecialFiles.Fifo(Path.Combine(dir, "models/checkpoints/model.safetensors")), Sd15("model.safetensors"), 3,
            "model.safetensors is a FIFO (named pipe), not a regular file"),
        ["checkpoint link to /dev/zero"] = new(dir => SpecialFiles.LinkToDevZero(Path.Combine(dir, "models/checkpoints/model.safetensors")), Sd15("model.safetensors"), 3,
            "model.safetensors is a character device, not a regular file"),
        ["yaml FIFO"] = new(dir =>
            {
                Write(dir, "models/checkpoints/m.safetensors", HostileCheckpoints.VaeBlockFlood(0));
                SpecialFiles.Fifo(Path.Combine(dir, "models/checkpoints/m.yaml"));
            }, Sd15("m.safetensors"), 3, "m.yaml is a FIFO (named pipe), not a regular file"),
        ["yaml timesteps 1e8"] = Yaml("timesteps-1e8"),
        ["yaml timesteps 0"] = Yaml("timesteps-0"),
        ["yaml text for a number"] = Yaml("linear-start-text"),
        ["yaml nested forever"] = Yaml("nested-forever"),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory, MemberData(nameof(Names))]
    public void Each_case_ends_in_time_within_the_memory_bound_with_a_message_that_names_it(string name)
    {
        var (plant, args, exitCode, says) = Cases[name];
        plant(_dir);
        var outcome = CliRunner.Run(_dir, ["run", .. args, "--base-dir", _dir]);
        var text = outcome.Stdout + outcome.Stderr;
        output.WriteLine($"{name}: exit {outcome.ExitCode}, {outcome.Elapsed.TotalSeconds:0.0} s, peak {outcome.PeakRssBytes >> 20} MiB\n{text}");
        Assert.True(outcome.ExitCode == exitCode, $"exit {outcome.ExitCode}, expected {exitCode}:\n{text}");
        Assert.Contains(says.Replace(BaseFolder, _dir), text.ReplaceLineEndings(" "));
        Assert.DoesNotContain("   at ", text);   // no .NET stack trace without --verbose
        Assert.InRange(outcome.Elapsed, TimeSpan.Zero, TimeLimit);
        Assert.InRange(outcome.PeakRssBytes, 1, MemoryBound);
    }

    private static JsonObject LoadAndSave(string image) => new()
    {
        ["1"] = new JsonObject { ["class_type"] = "LoadImage", ["inputs"] = new JsonObject { ["image"] = image } },
        ["9"] = new JsonObject { ["class_type"] = "SaveImage", ["inputs"] = new JsonObject { ["images"] = new JsonArray("1", 0), ["filename_prefix"] = "copy" } },
    };

    /// <summary>LoadImage of input/<paramref name="name"/> (planted by <paramref name="plant"/>) into SaveImage, as workflow.json.</summary>
    private static Case Image(string name, Func<byte[]> bytes, int exitCode, string says, params string[] options) =>
        new(dir =>
        {
            Write(dir, $"input/{name}", bytes());
            File.WriteAllText(Path.Combine(dir, "workflow.json"), LoadAndSave(name).ToJsonString());
        }, ["workflow.json", .. options], exitCode, says);

    private static Case SpecialImage(Func<string, string> plant, string says) =>
        new(dir =>
        {
            plant(Path.Combine(dir, "input", "in.png"));
            File.WriteAllText(Path.Combine(dir, "workflow.json"), LoadAndSave("in.png").ToJsonString());
        }, ["workflow.json"], 2, says);

    private static Case Checkpoint(string name, Func<byte[]> bytes, string says) =>
        new(dir => Write(dir, $"models/checkpoints/{name}", bytes()), Sd15(name), 3,
            $"node #4 (LoadCheckpoint) failed: ckpt_name = '{name}': {BaseFolder}/models/checkpoints/{name}: {says}");

    private static Case Yaml(string configName)
    {
        var (_, yaml, names) = HostileConfigs.ScheduleYamls.Single(c => c.Name == configName);
        return new(dir =>
        {
            Write(dir, "models/checkpoints/m.safetensors", HostileCheckpoints.VaeBlockFlood(0));
            File.WriteAllText(Path.Combine(dir, "models/checkpoints/m.yaml"), yaml);
        }, Sd15("m.safetensors"), 3, names);
    }

    private static string[] Sd15(string checkpoint) =>
        [Path.Combine(Golden.RepoRoot, "workflows", "sd15_txt2img.json"), "--set", $"4.ckpt_name={checkpoint}"];

    private static void Write(string dir, string relative, byte[] bytes)
    {
        var path = Path.Combine(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }
}
