namespace Workflow.NodeSdk.Data;

/// <summary>ComfyUI's conditioning 'area': a box of the latent, (height, width, y, x) as ComfyUI orders it.</summary>
public abstract record ConditioningArea;

/// <summary>A box in latent cells (pixels / 8), as ConditioningSetArea writes it.</summary>
public sealed record LatentArea(int Height, int Width, int Y, int X) : ConditioningArea;

/// <summary>A box in fractions of the latent's sides ("percentage"), as ConditioningSetAreaPercentage writes it; resolved when sampling.</summary>
public sealed record FractionalArea(double Height, double Width, double Y, double X) : ConditioningArea;
