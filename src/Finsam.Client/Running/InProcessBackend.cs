using Finsam.Core.Simulation;

namespace Finsam.Client.Running;

/// <summary><c>--cluster in-process</c>: the Core engine in this process, on all cores, without Orleans.</summary>
public sealed class InProcessBackend() : LocalReplicateRunner();
