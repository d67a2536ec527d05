using Workflow.Testing;
using Workflow.Torch.IO;
using Workflow.Torch.Serialization;
using Workflow.Torch.Tests.Support;

namespace Workflow.Torch.Tests.Serialization;

/// <summary>
/// Checkpoints written by torch.save whose pickles call os.system, eval or subprocess.Popen (each creates a marker
/// file when PyTorch loads it without weights_only), or build a class outside the allow-list: refused by name, in
/// both formats, before anything runs.
/// </summary>
public sealed class RefusedPicklesTests(PyTorchMadeFiles files) : IClassFixture<PyTorchMadeFiles>
{
    [PyTorchTheory]
    [InlineData("evil_system", "posix.system")]
    [InlineData("evil_eval", "builtins.eval")]
    [InlineData("evil_popen", "subprocess.Popen")]
    [InlineData("evil_counter", "collections.Counter")]
    [InlineData("evil_custom", "__main__.Custom")]
    public void A_global_outside_the_allow_list_is_refused_by_name_and_nothing_runs(string name, string global)
    {
        foreach (var path in new[] { files.File($"{name}.pt"), files.File($"{name}.legacy.pt") })
        {
            var error = Assert.Throws<PyTorchFileException>(() => TensorFile.Open(path));
            Assert.Equal(global, error.RefusedGlobal);
            Assert.StartsWith($"{path}: ", error.Message);
            Assert.Contains($"refused global '{global}'", error.Message);
            Assert.False(File.Exists(files.Marker), $"{path} created {files.Marker}");
        }
        using var good = TensorFile.Open(files.File("views.pt"));
        Assert.NotEmpty(good.Entries);
    }

    /// <summary>The control: the same files do run their payload when PyTorch 1.13 loads them as it does by default.</summary>
    [PyTorchTheory]
    [InlineData("evil_system")]
    [InlineData("evil_eval")]
    [InlineData("evil_popen")]
    public void The_hostile_files_run_their_payload_under_an_unrestricted_torch_load(string name)
    {
        try
        {
            ReferencePython.Run("-c", $"import torch, time; torch.load({files.File($"{name}.pt")!.Quoted()}); time.sleep(0.5)");
            Assert.True(File.Exists(files.Marker), $"torch.load({name}.pt) did not create {files.Marker}");
        }
        finally
        {
            File.Delete(files.Marker);
        }
    }
}

file static class PythonLiteral
{
    public static string Quoted(this string text) => $"'{text.Replace("\\", "\\\\").Replace("'", "\\'")}'";
}
