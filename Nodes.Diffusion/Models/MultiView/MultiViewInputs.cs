using Workflow.Torch;

namespace Workflow.Nodes.Diffusion.Models.MultiView;

/// <summary>
/// What MultiViewUNetModel.forward takes besides the latents, timesteps and context (openaimodel.py, upstream names in
/// brackets): the camera vector of every row [camera] (B·F, camera_dim) or none, the views per sample [num_frames],
/// ImageDream's clean reference latents written into the last view of each sample [ip_img] (B, C, h, w), and the weight
/// of the image-prompt attention (the config's ip_weight when null). ImageDream's image tokens travel at the end of the
/// context, as upstream appends them.
/// </summary>
public sealed record MultiViewInputs(Tensor? Camera, int NumFrames, Tensor? ReferenceLatents = null, double? IpWeight = null);
