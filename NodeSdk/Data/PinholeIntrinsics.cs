namespace Workflow.NodeSdk.Data;

/// <summary>One frame's pinhole intrinsics in pixels: focal lengths and principal point (K = [[fx, 0, cx], [0, fy, cy], [0, 0, 1]]).</summary>
public readonly record struct PinholeIntrinsics(double Fx, double Fy, double Cx, double Cy);
