using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workflow.Nodes.Camera.Cameras;
using Workflow.Nodes.Camera.Nodes;
using Workflow.Nodes.Camera.Tests.Support;
using Workflow.Testing;

namespace Workflow.Nodes.Camera.Tests;

/// <summary>OrbitCameras against multiview-tiny/camera/cameras.json: MVDream's and ImageDream's camera_utils.get_camera.</summary>
public sealed partial class OrbitFixtureTests
{
    private const string Fixture = "multiview-tiny";

    public static TheoryData<int, string> GetCameraCases => Rows("get_camera_cases", c => $"{c["function"]} {c["args"]!.ToJsonString()}");

    public static TheoryData<int, string> MatrixCases => Rows("create_camera_to_world_matrix_cases", c => $"elevation {c["elevation"]} azimuth {c["azimuth"]}");

    [GoldenTheory(Fixture), MemberData(nameof(GetCameraCases))]
    public void Azimuths_follow_numpy_arange(int index, string name)
    {
        var test = Case("get_camera_cases", index);
        var args = test["resolved_args"]!;
        var azimuths = MvDreamOrbit.Azimuths((int)args["num_frames"]!, (double)args["azimuth_start"]!, (double)args["azimuth_span"]!);
        Compare.ExactFloat64($"{Fixture} cameras.json get_camera case {index} ({name}) azimuths_deg", SanaWmCameraFixture.Doubles(test["azimuths_deg"]), azimuths);
    }

    [GoldenTheory(Fixture), MemberData(nameof(GetCameraCases))]
    public void Camera_vectors_match_get_camera(int index, string name)
    {
        var test = Case("get_camera_cases", index);
        var args = test["resolved_args"]!;
        var camera = new OrbitCameras().Execute((int)args["num_frames"]!, (double)args["elevation"]!, (double)args["azimuth_start"]!,
            (double)args["azimuth_span"]!, radius: 1, (bool)args["blender_coord"]!, (bool?)args["extra_view"] ?? false);
        Assert.Equal((int)test["num_rows"]!, camera.FrameCount + (camera.AppendsReferenceView ? 1 : 0));
        var rows = CameraVectors(camera);
        var what = $"{Fixture} cameras.json get_camera case {index} ({name})";
        Compare.Within(what + " float64", SanaWmCameraFixture.Doubles(test["float64"]), rows, Float64Tolerance(), [rows.Length / 16, 16]);
        Compare.ExactFloat32(what + " float32", SanaWmCameraFixture.Doubles(test["float32"]), rows, [rows.Length / 16, 16]);
    }

    [GoldenTheory(Fixture), MemberData(nameof(MatrixCases))]
    public void Single_views_match_create_camera_to_world_matrix(int index, string name)
    {
        var test = Case("create_camera_to_world_matrix_cases", index);
        var openGl = MvDreamOrbit.CameraToWorld((double)test["elevation"]!, (double)test["azimuth"]!);
        var what = $"{Fixture} cameras.json create_camera_to_world_matrix case {index} ({name})";
        Compare.Within(what + " c2w_opengl", SanaWmCameraFixture.Doubles(test["c2w_opengl"]), openGl.ToPose().ToRowMajor(), Float64Tolerance(), [4, 4]);
        Compare.Within(what + " c2w_blender", SanaWmCameraFixture.Doubles(test["c2w_blender"]),
            MvDreamOrbit.ToBlenderWorld(openGl).ToPose().ToRowMajor(), Float64Tolerance(), [4, 4]);
    }

    [Fact]
    public void Radius_moves_the_cameras_out_along_their_rays()
    {
        var near = new OrbitCameras().Execute(4, 15, 0, 360, radius: 1);
        var far = new OrbitCameras().Execute(4, 15, 0, 360, radius: 2.5);
        for (var i = 0; i < 4; i++)
        {
            var (a, b) = (near.Poses[i].ToRowMajor(), far.Poses[i].ToRowMajor());
            foreach (var column in new[] { 3, 7, 11 })
                Assert.Equal(a[column] * 2.5, b[column]);
            Assert.Equal(a.Where((_, k) => k % 4 != 3), b.Where((_, k) => k % 4 != 3));
        }
    }

    /// <summary>MVDream's (V, 16) camera input: each pose row-major, and an all-zero row for ImageDream's reference slot.</summary>
    private static double[] CameraVectors(NodeSdk.Data.Camera camera) =>
        [.. camera.Poses.SelectMany(p => p.ToRowMajor()), .. camera.AppendsReferenceView ? new double[16] : []];

    /// <summary>The float64 bound of the manifest's camera section ("float64 rows: max |diff| &lt;= 1e-12; ...").</summary>
    private static double Float64Tolerance()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Golden.File(Fixture, "manifest.json")))!;
        var comparison = (string)manifest["sections"]!["camera"]!["comparison"]!;
        var match = Float64Bound().Match(comparison);
        Assert.True(match.Success, $"{Fixture} manifest: no float64 bound in the camera comparison \"{comparison}\"");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static JsonObject Case(string key, int index) => Cameras()[key]!.AsArray()[index]!.AsObject();

    private static JsonObject Cameras() => JsonNode.Parse(File.ReadAllText(Golden.File(Fixture, "camera/cameras.json")))!.AsObject();

    private static TheoryData<int, string> Rows(string key, Func<JsonNode, string> label)
    {
        var rows = new TheoryData<int, string>();
        var cases = Cameras()[key]!.AsArray();
        for (var i = 0; i < cases.Count; i++)
            rows.Add(i, label(cases[i]!));
        return rows;
    }

    [GeneratedRegex(@"float64 rows: max \|diff\| <= ([0-9.eE+-]+)")]
    private static partial Regex Float64Bound();
}
