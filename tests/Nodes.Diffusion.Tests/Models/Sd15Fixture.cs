using Workflow.Nodes.Diffusion.Loading;
using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Models;

/// <summary>The sd15-tiny fixture: its diffusers folder and its golden tensor files.</summary>
internal static class Sd15Fixture
{
    public const string Name = "sd15-tiny";

    public static DiffusersFolder Folder => new(Golden.File(Name, "model"));

    public static GoldenTensors Tensors(string file) => GoldenTensors.Open(Name, file);
}
