using Workflow.Testing;

namespace Workflow.Nodes.Diffusion.Tests.Sd3;

/// <summary>Puts sd3-tiny into a test's models/ folder as links (read in place): as a checkpoint in either layout, and as separate text encoder files.</summary>
internal static class Sd3Models
{
    public const string Folder = "folder";
    public const string SingleFile = "single_file";

    /// <summary>Links the layout into <paramref name="modelsRoot"/> and returns the ckpt_name to load it by.</summary>
    public static string Install(string modelsRoot, string layout)
    {
        var checkpoints = Directory.CreateDirectory(Path.Combine(modelsRoot, "checkpoints")).FullName;
        InstallTokenizers(modelsRoot);
        if (layout == Folder)
        {
            Directory.CreateSymbolicLink(Path.Combine(checkpoints, "sd3-tiny"), Sd3Fixture.DiffusersPath);
            return "sd3-tiny";
        }
        // The single file takes what its shapes cannot tell (the tiny model's head counts) from the same-stem diffusers folder beside it.
        File.CreateSymbolicLink(Path.Combine(checkpoints, "sd3-tiny.safetensors"), Sd3Fixture.SingleFilePath);
        Directory.CreateSymbolicLink(Path.Combine(checkpoints, "sd3-tiny"), Sd3Fixture.DiffusersPath);
        return "sd3-tiny.safetensors";
    }

    /// <summary>models/tokenizers/clip_l, clip_g and t5: the pipeline's tokenizer, tokenizer_2 and tokenizer_3 folders.</summary>
    public static void InstallTokenizers(string modelsRoot)
    {
        var tokenizers = Directory.CreateDirectory(Path.Combine(modelsRoot, "tokenizers")).FullName;
        foreach (var (name, component) in new[] { ("clip_l", "tokenizer"), ("clip_g", "tokenizer_2"), ("t5", "tokenizer_3") })
            if (!Directory.Exists(Path.Combine(tokenizers, name)))
                Directory.CreateSymbolicLink(Path.Combine(tokenizers, name), Path.Combine(Sd3Fixture.DiffusersPath, component));
    }

    /// <summary>CLIP-L, CLIP-G and T5 as models/clip/ files with same-stem configs; returns their names (CLIP-G, CLIP-L, T5: ComfyUI's example order).</summary>
    public static string[] InstallTextEncoders(string modelsRoot)
    {
        var clip = Directory.CreateDirectory(Path.Combine(modelsRoot, "clip")).FullName;
        string[] names = ["sd3-tiny_clip_g", "sd3-tiny_clip_l", "sd3-tiny_t5"];
        string[] components = ["text_encoder_2", "text_encoder", "text_encoder_3"];
        for (int i = 0; i < 3; i++)
        {
            File.CreateSymbolicLink(Path.Combine(clip, names[i] + ".safetensors"), Path.Combine(Sd3Fixture.DiffusersPath, components[i], "model.safetensors"));
            File.CreateSymbolicLink(Path.Combine(clip, names[i] + ".json"), Path.Combine(Sd3Fixture.DiffusersPath, components[i], "config.json"));
        }
        return [.. names.Select(n => n + ".safetensors")];
    }
}
