using System.Reflection;
using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;

namespace Workflow.Nodes.Camera.Cameras;

/// <summary>A convention's name in files: the wire name its node inputs use ("opencv", "opengl", "blender").</summary>
internal static class ConventionNames
{
    public static string Of(CameraConvention convention) =>
        typeof(CameraConvention).GetField(convention.ToString())!.GetCustomAttribute<WireNameAttribute>()!.Name;

    public static CameraConvention Parse(string name)
    {
        foreach (var convention in Enum.GetValues<CameraConvention>())
            if (Of(convention) == name)
                return convention;
        throw new FormatException($"unknown convention '{name}'; expected one of {string.Join(", ", Enum.GetValues<CameraConvention>().Select(Of))}");
    }
}
