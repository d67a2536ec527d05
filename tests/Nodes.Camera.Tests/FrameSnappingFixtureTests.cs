using Workflow.Nodes.Camera.Cameras;
using Workflow.Nodes.Camera.Tests.Support;
using Workflow.Testing;

namespace Workflow.Nodes.Camera.Tests;

/// <summary>Frame-count snapping against snap.json (cam_utils.snap_num_frames), row by row, exactly.</summary>
public sealed class FrameSnappingFixtureTests
{
    public static TheoryData<int, string> Rows =>
        SanaWmCameraFixture.CaseRows("snap.json", row => $"n={row["n"]} stride={row["stride"]} upper_bound={row["upper_bound"]?.ToString() ?? "None"}", key: "rows");

    [GoldenTheory(SanaWmCameraFixture.Name), MemberData(nameof(Rows))]
    public void Snapped_count_matches_snap_num_frames(int index, string row)
    {
        var test = SanaWmCameraFixture.Cases("snap.json", key: "rows")[index]!;
        var snapped = FrameCountSnapping.Snap((int)test["n"]!, (int)test["stride"]!, (int?)test["upper_bound"]);
        Assert.True((int)test["result"]! == snapped, $"{SanaWmCameraFixture.Name} snap.json row {index} ({row}): got {snapped}, expected {test["result"]}");
    }
}
