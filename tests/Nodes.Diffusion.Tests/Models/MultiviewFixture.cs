using System.Text.Json.Nodes;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Models;

/// <summary>The multiview-tiny fixture: sections (clip_vision, ip_adapter, mvdream, ...) of upstream runs on tiny models.</summary>
internal static class MultiviewFixture
{
    public const string Name = "multiview-tiny";

    /// <summary>A section of the manifest: how its goldens were made and what they hold.</summary>
    public static JsonNode Section(string section) =>
        Golden.Json(Name, "manifest.json")["sections"]?[section] ?? throw new InvalidDataException($"{Name}/manifest.json has no section '{section}'");

    public static GoldenTensors Tensors(string file) => GoldenTensors.Open(Name, file);

    public static string File(string relativePath) => Golden.File(Name, relativePath);
}
