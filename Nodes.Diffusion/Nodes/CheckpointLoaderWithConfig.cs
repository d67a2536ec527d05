using Workflow.Nodes.Diffusion.Components;
using Workflow.Nodes.Diffusion.Loading;
using Workflow.NodeSdk;

namespace Workflow.Nodes.Diffusion.Nodes;

/// <summary>
/// ComfyUI's CheckpointLoader (deprecated there as here, kept for old workflows): an SD1.x/SD2.x single file read with
/// an original config from models/configs/ (v1-inference.yaml, v2-inference-v.yaml …) in place of a same-stem .yaml —
/// its architecture, noise schedule and parameterization ("v": v-prediction). Otherwise as CheckpointLoaderSimple.
/// </summary>
[Node("CheckpointLoader", DisplayName = "Load Checkpoint With Config (DEPRECATED)", Category = "advanced/loaders", Deprecated = true,
      Description = "Loads an original (LDM) checkpoint with the config file that describes it.")]
public sealed class CheckpointLoaderWithConfig : INode, IFingerprint
{
    public LoadCheckpoint.Outputs Execute(NodeContext context,
        [Combo(ModelFolder = "configs"), Input(Tooltip = "The original config (.yaml) describing the checkpoint.")] string configName,
        [Combo(ModelFolder = "checkpoints"), Input(Tooltip = "The checkpoint file to load.")] string ckptName,
        [Input(Tooltip = WeightDtypes.Tooltip)] WeightDtype? weightDtype = WeightDtype.Default)
    {
        var dtype = weightDtype.Resolve(context, context.Device);
        var configPath = ModelFiles.Resolve(context.Paths, "configs", "config_name", configName);
        var config = ModelFiles.Load("config_name", configName, () => OriginalConfigYaml.Load(configPath));
        var path = ModelFiles.Resolve(context.Paths, "checkpoints", "ckpt_name", ckptName);
        var loaded = ModelFiles.Load("ckpt_name", ckptName, dtype,
            () => CheckpointLoader.Load(path, [TokenizerFolders.ClipL(context.Paths)], config).To(context.Device, dtype));
        return new LoadCheckpoint.Outputs(loaded.Model, loaded.Clip, loaded.Vae);
    }

    public Fingerprint GetFingerprint(InputValues literals, NodePaths paths) => Fingerprint.Of(string.Join('\n',
        ModelFiles.Fingerprint(ModelFiles.Resolve(paths, "configs", "config_name", literals.Get<string>("config_name"))).Value,
        ModelFiles.Fingerprint(ModelFiles.Resolve(paths, "checkpoints", "ckpt_name", literals.Get<string>("ckpt_name"))).Value));
}
