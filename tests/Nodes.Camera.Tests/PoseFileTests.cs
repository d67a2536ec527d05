using Workflow.NodeSdk;
using Workflow.NodeSdk.Data;
using Workflow.Nodes.Camera.Nodes;
using Workflow.Nodes.Camera.Tests.Support;
using Workflow.Testing;
using Workflow.Testing.Hostile;

namespace Workflow.Nodes.Camera.Tests;

/// <summary>CameraFromPoses reading .npy and .json files from the input folder, and refusing what it cannot use.</summary>
public sealed class PoseFileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("camera-poses-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Three poses: a turn about y and a walk, so no two matrices are alike.</summary>
    private static readonly double[][] Poses = [.. Enumerable.Range(0, 3).Select(f =>
    {
        var (c, s) = (Math.Cos(0.3 * f), Math.Sin(0.3 * f));
        return new[] { c, 0, s, 0.5 * f, 0, 1, 0, -0.1 * f, -s, 0, c, 2.0 * f, 0, 0, 0, 1 };
    })];

    [Theory]
    [InlineData("<f8", false, false)]
    [InlineData(">f8", false, true)]
    [InlineData("<f8", true, false)]
    public void Float64_npy_files_give_the_poses_exactly(string descr, bool fortranOrder, bool bigEndian)
    {
        var values = fortranOrder ? ColumnMajor(Poses.SelectMany(p => p).ToArray(), [3, 4, 4]) : Poses.SelectMany(p => p);
        Write("poses.npy", NpyFile.Bytes(descr, [3, 4, 4], NpyFile.Float64(values, bigEndian), fortranOrder));
        var camera = Read("poses.npy");
        Assert.Equal(CameraConvention.Blender, camera.Convention);
        Assert.Equal(Poses, camera.Poses.Select(p => p.ToRowMajor()));
    }

    [Fact]
    public void Float32_npy_files_give_the_float32_values()
    {
        Write("poses.npy", NpyFile.Bytes("<f4", [3, 4, 4], NpyFile.Float32(Poses.SelectMany(p => p))));
        Assert.Equal(Poses.Select(p => p.Select(v => (double)(float)v)), Read("poses.npy").Poses.Select(p => p.ToRowMajor()));
    }

    [Fact]
    public void Npy_of_another_dtype_is_refused_naming_it()
    {
        Write("poses.npy", NpyFile.Bytes("<i8", [1, 4, 4], new byte[128]));
        var error = Assert.Throws<InputException>(() => Read("poses.npy"));
        Assert.Equal("file", error.InputName);
        Assert.Contains("'<i8'", error.Message);
    }

    [Fact]
    public void Poses_of_the_wrong_shape_are_refused_as_check_inputs_refuses_them()
    {
        Write("poses.npy", NpyFile.Bytes("<f8", [3, 3, 4], NpyFile.Float64(new double[36])));
        Assert.EndsWith("`c2w` must be `(F, 4, 4)`; got (3, 3, 4).", Assert.Throws<InputException>(() => Read("poses.npy")).Message);
    }

    [Fact]
    public void A_matrix_that_is_not_a_rotation_is_refused_naming_its_frame()
    {
        var scaled = Poses.Select(p => p.ToArray()).ToArray();
        scaled[2][0] *= 1.5;
        var error = Assert.Throws<InputException>(() => new CameraFromPoses().Execute(CameraEngine.Context(_root), NestedJson.Of([.. scaled.SelectMany(p => p)], [3, 4, 4])));
        Assert.Equal("poses", error.InputName);
        Assert.Contains("frame 2: A pose's rotation must be orthonormal", error.Message);
    }

    [Fact]
    public void Both_text_and_file_or_neither_is_refused()
    {
        var context = CameraEngine.Context(_root);
        Assert.Throws<InputException>(() => new CameraFromPoses().Execute(context, "[]", "poses.npy"));
        Assert.Throws<InputException>(() => new CameraFromPoses().Execute(context));
    }

    [Fact]
    public void A_file_outside_the_input_folder_is_refused()
    {
        var error = Assert.Throws<InputException>(() => new CameraFromPoses().Execute(CameraEngine.Context(_root), file: "../secret.npy"));
        Assert.Equal("file", error.InputName);
    }

    [Fact]
    public async Task A_fifo_device_or_folder_is_refused_at_validation_without_blocking()
    {
        foreach (var (kind, path) in SpecialFiles.AllIn(Path.Combine(_root, "input"), "poses", ".npy"))
        {
            var literals = new InputValues(new Dictionary<string, object?> { ["poses"] = "", ["file"] = Path.GetFileName(path) });
            var problems = await Task.Run(() => new CameraFromPoses().Validate(literals, CameraEngine.Context(_root).Paths).ToList()).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("file", Assert.Single(problems).InputName);
            Assert.Contains($"{path} is ", problems[0].Message);
            Assert.Contains("not a regular file", problems[0].Message);
        }
    }

    private NodeSdk.Data.Camera Read(string name) =>
        new CameraFromPoses().Execute(CameraEngine.Context(_root), file: name, convention: CameraConvention.Blender);

    private void Write(string name, byte[] bytes)
    {
        Directory.CreateDirectory(Path.Combine(_root, "input"));
        File.WriteAllBytes(Path.Combine(_root, "input", name), bytes);
    }

    private static double[] ColumnMajor(double[] rowMajor, int[] shape)
    {
        var result = new double[rowMajor.Length];
        for (var i = 0; i < shape[0]; i++)
            for (var j = 0; j < shape[1]; j++)
                for (var k = 0; k < shape[2]; k++)
                    result[i + shape[0] * (j + shape[1] * k)] = rowMajor[(i * shape[1] + j) * shape[2] + k];
        return result;
    }
}
