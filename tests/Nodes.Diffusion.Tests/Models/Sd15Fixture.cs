using System.Text.Json.Nodes;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Models;

/// <summary>The sd15-tiny fixture: its diffusers folder, its golden tensor files and the records of how they were made.</summary>
internal static class Sd15Fixture
{
    public const string Name = "sd15-tiny";

    public static DiffusersFolder Folder => new(Golden.File(Name, "model"));

    public static GoldenTensors Tensors(string file) => GoldenTensors.Open(Name, file);

    /// <summary>components/index.json: how each component golden was called (UNet calls, scheduler steps, prompts).</summary>
    public static JsonNode Components(string component) =>
        Golden.Json(Name, "components/index.json")[component] ?? throw new InvalidDataException($"{Name}/components/index.json has no '{component}'");

    /// <summary>The configuration the manifest records for a component ("unet", "vae", "text_encoder", "scheduler").</summary>
    public static JsonNode ModelConfig(string component) =>
        Golden.Json(Name, "manifest.json")["model"]![component + "_config"] ?? throw new InvalidDataException($"{Name}/manifest.json has no model.{component}_config");

    /// <summary>The fixture's hidden width of the text encoder: the last dimension of every prompt embedding.</summary>
    public static int TextHiddenSize => (int)ModelConfig("text_encoder")["hidden_size"]!;

    /// <summary>The fixture's sd15-tiny.yaml with LDM's <c>parameterization: "v"</c> added to model.params: a v-prediction model's config.</summary>
    public static string YamlWithVParameterization()
    {
        const string modelParams = "\n  params:\n";
        var yaml = File.ReadAllText(Golden.File(Name, "sd15-tiny.yaml"));
        return yaml.Insert(yaml.IndexOf(modelParams, StringComparison.Ordinal) + modelParams.Length, "    parameterization: \"v\"\n");
    }
}
