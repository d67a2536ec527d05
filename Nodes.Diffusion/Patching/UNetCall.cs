namespace Workflow.Nodes.Diffusion.Patching;

/// <summary>
/// One network evaluation as a patch sees it (ComfyUI's transformer_options): which rows of the batch belong to the
/// unconditional half of classifier-free guidance, and the noise level σ of the step.
/// </summary>
public sealed record UNetCall(IReadOnlyList<bool> UnconditionalRows, double Sigma);
