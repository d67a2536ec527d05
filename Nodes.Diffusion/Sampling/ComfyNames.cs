using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Sampling;

/// <summary>ComfyUI's names for the sampler and scheduler enums (their [WireName]), both ways.</summary>
public static class ComfyNames
{
    /// <summary>The wire name of an enum member ([WireName]), as workflows and manifests spell it.</summary>
    public static string Of<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())!.GetCustomAttributes(typeof(WireNameAttribute), false).Cast<WireNameAttribute>().Single().Name;

    /// <summary>The member whose wire name is <paramref name="name"/>.</summary>
    public static T Parse<T>(string name) where T : struct, Enum =>
        Enum.GetValues<T>().Where(v => Of(v) == name).Cast<T?>().SingleOrDefault()
        ?? throw new ArgumentException($"'{name}' is not one of {string.Join(", ", Enum.GetValues<T>().Select(Of))}.", nameof(name));
}
