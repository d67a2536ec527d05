using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Sd3;

/// <summary>The sd3-tiny fixture: its diffusers folder and single file, its golden tensor files and the manifest's records of how they were made.</summary>
internal static class Sd3Fixture
{
    public const string Name = "sd3-tiny";

    public static JsonNode Manifest => Golden.Json(Name, "manifest.json");

    public static string DiffusersPath => Golden.File(Name, "diffusers");

    public static DiffusersFolder Folder => new(DiffusersPath);

    /// <summary>The original-layout single file (transformer, VAE and the three text encoders).</summary>
    public static string SingleFilePath => Golden.File(Name, (string)Manifest["layouts"]!["single_file"]!["path"]!);

    public static GoldenTensors Tensors(string file) => GoldenTensors.Open(Name, file);

    /// <summary>A section of the manifest's goldens ("transformer", "text", "scheduler", "e2e", ...).</summary>
    public static JsonNode Goldens(string section) =>
        Manifest["goldens"]![section] ?? throw new InvalidDataException($"{Name}/manifest.json has no goldens.{section}");

    /// <summary>The prompts with the token ids the pipeline's tokenizers gave them (tag, prompt, clip_l_ids, clip_g_ids, t5_ids_*).</summary>
    public static JsonArray TokenizedPrompts => Golden.Json(Name, (string)Goldens("text")["token_ids_file"]!)["prompts"]!.AsArray();

    public static JsonNode Prompt(string tag) => TokenizedPrompts.Single(p => (string)p!["tag"]! == tag)!;

    /// <summary>The T5 lengths the fixture records ids for (the numbers of its t5_ids_&lt;length&gt; entries).</summary>
    public static IEnumerable<int> T5Lengths(JsonNode prompt) =>
        prompt.AsObject().Select(e => e.Key).Where(k => k.StartsWith("t5_ids_", StringComparison.Ordinal)).Select(k => int.Parse(k["t5_ids_".Length..]));

    public static int[] Ids(JsonNode? node) => node!.AsArray().Select(n => (int)n!).ToArray();

    /// <summary>Theory rows: the tag of every tokenized prompt.</summary>
    public static TheoryData<string> PromptTags() => Golden.Rows(Name, () => TokenizedPrompts.Select(p => (string)p!["tag"]!), "(fixture absent)");
}
