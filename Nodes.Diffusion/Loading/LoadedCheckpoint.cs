using Workflow.Nodes.Diffusion.Components;

namespace Workflow.Nodes.Diffusion.Loading;

/// <summary>What a Stable Diffusion checkpoint holds: the denoiser, the text encoder with its tokenizer, and the VAE.</summary>
public sealed record LoadedCheckpoint(DiffusionModel Model, ClipModel Clip, VaeModel Vae);
