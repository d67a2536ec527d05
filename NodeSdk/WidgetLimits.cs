namespace Workflow.NodeSdk;

/// <summary>Bounds that widgets of many nodes share, as ComfyUI's nodes.py defines them once for all its nodes.</summary>
public static class WidgetLimits
{
    /// <summary>The largest width, height or offset in pixels an INT widget takes (ComfyUI's MAX_RESOLUTION).</summary>
    public const int MaxResolution = 16384;
}
