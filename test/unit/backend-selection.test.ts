import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ALLOW_SLOW_CPU_ENV_VAR,
  assessCandidates,
  BACKEND_PACKAGES,
  type BackendLoaders,
  BackendUnavailableError,
  convTrainingPolicy,
  type EnvironmentProbe,
  findLibrary,
  formatBackendReport,
  initBackend,
  type LoadResult,
  parseBackendName,
  parseLdconfigOutput,
  planBackendSelection,
  resolveBackendRequest,
  selectBackend,
} from '../../lib/backend';

type ProbeOverrides = {
  gpuPackage?: boolean;
  cpuPackage?: boolean;
  wasmPackage?: boolean;
  gpu?: boolean;
  cudart?: string | null;
  cudnn?: string | null;
  node?: string;
  platform?: string;
};

/** A probe of a machine; by default a Linux box with a GPU, CUDA, and every package. */
function probe(o: ProbeOverrides = {}): EnvironmentProbe {
  const pkg = (installed: boolean) =>
    installed ? { installed, version: '4.22.0', dir: '/x' } : { installed };
  return {
    platform: o.platform ?? 'linux',
    arch: 'x64',
    nodeVersion: o.node ?? '20.19.0',
    webAssembly: true,
    packages: {
      [BACKEND_PACKAGES.nodeGpu]: pkg(o.gpuPackage ?? true),
      [BACKEND_PACKAGES.node]: pkg(o.cpuPackage ?? false),
      [BACKEND_PACKAGES.wasm]: pkg(o.wasmPackage ?? true),
    },
    gpu:
      (o.gpu ?? true)
        ? { visible: true, evidence: ['/dev/nvidia0', 'nvidia-smi: GPU 0: NVIDIA T4'] }
        : { visible: false, evidence: ['no /dev/nvidia* device and no working nvidia-smi on the PATH'] },
    cuda: {
      cudart: {
        name: 'libcudart.so.11.0',
        path: o.cudart === undefined ? '/usr/local/cuda/lib64/libcudart.so.11.0' : o.cudart,
      },
      cudnn: {
        name: 'libcudnn.so.8',
        path: o.cudnn === undefined ? '/usr/lib/x86_64-linux-gnu/libcudnn.so.8' : o.cudnn,
      },
    },
  };
}

/** Fake loaders that record what was tried and fail on request. */
function fakeLoaders(behaviour: { tensorflow?: LoadResult | Error; wasm?: LoadResult | Error } = {}) {
  const calls: string[] = [];
  const answer = async (r: LoadResult | Error | undefined): Promise<LoadResult> => {
    if (r instanceof Error) throw r;
    return r ?? {};
  };
  const loaders: BackendLoaders = {
    tensorflow: async (pkg) => {
      calls.push(`tensorflow:${pkg}`);
      return answer(behaviour.tensorflow ?? { usingGpu: true, version: '4.22.0' });
    },
    wasm: async () => {
      calls.push('wasm');
      return answer(behaviour.wasm ?? { simd: true, threads: 1 });
    },
    cpu: async () => {
      calls.push('cpu');
      return {};
    },
  };
  return { loaders, calls };
}

describe('resolveBackendRequest / parseBackendName', () => {
  it('is automatic without option or GENLIB_BACKEND, and for auto', () => {
    assert.deepEqual(resolveBackendRequest(undefined, {}), {});
    assert.deepEqual(resolveBackendRequest(undefined, { GENLIB_BACKEND: 'auto' }), {});
    assert.deepEqual(resolveBackendRequest(undefined, { GENLIB_BACKEND: ' ' }), {});
    assert.deepEqual(resolveBackendRequest('auto', { GENLIB_BACKEND: 'cpu' }), {});
  });
  it('reads GENLIB_BACKEND case-insensitively; the option wins over it', () => {
    assert.deepEqual(resolveBackendRequest(undefined, { GENLIB_BACKEND: ' WASM ' }), {
      force: 'wasm',
      source: 'GENLIB_BACKEND',
    });
    assert.deepEqual(resolveBackendRequest('cpu', { GENLIB_BACKEND: 'wasm' }), {
      force: 'cpu',
      source: 'option',
    });
  });
  it('rejects unknown names, listing the valid ones', () => {
    assert.throws(
      () => resolveBackendRequest(undefined, { GENLIB_BACKEND: 'webgl' }),
      (e: Error) =>
        /GENLIB_BACKEND is 'webgl'/.test(e.message) &&
        /tensorflow-gpu, tensorflow, wasm, cpu/.test(e.message),
    );
    assert.throws(() => parseBackendName('gpu', 'x'), /not a backend genlib knows/);
  });
});

describe('assessCandidates', () => {
  it('makes every backend available on a fully equipped GPU machine', () => {
    const a = assessCandidates(probe());
    assert.deepEqual(
      a.map((c) => [c.name, c.available]),
      [
        ['tensorflow-gpu', true],
        ['tensorflow', true],
        ['wasm', true],
        ['cpu', true],
      ],
    );
    assert.equal(a[0].packageName, BACKEND_PACKAGES.nodeGpu);
  });
  it('explains a missing tfjs-node-gpu package with the npm command', () => {
    const [gpu, tfCpu] = assessCandidates(probe({ gpuPackage: false }));
    assert.equal(gpu.available, false);
    assert.match(gpu.reasons.join('\n'), /@tensorflow\/tfjs-node-gpu is not installed/);
    assert.match(gpu.hints.join('\n'), /npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/);
    assert.equal(tfCpu.available, false);
    assert.match(tfCpu.reasons.join('\n'), /neither/);
  });
  it('explains missing CUDA / cuDNN libraries but keeps TensorFlow on the CPU available', () => {
    const [gpu, tfCpu] = assessCandidates(probe({ cudart: null, cudnn: null }));
    assert.equal(gpu.available, false);
    assert.match(gpu.reasons.join('\n'), /libcudart\.so\.11\.0 not found/);
    assert.match(gpu.reasons.join('\n'), /libcudnn\.so\.8 not found/);
    assert.match(gpu.hints.join('\n'), /CUDA 11\.2.*cuDNN 8\.1/);
    assert.equal(tfCpu.available, true);
  });
  it('tells when a CUDA library exists but is off the loader path', () => {
    const p = probe();
    p.cuda.cudnn = { name: 'libcudnn.so.8', path: null, offPath: '/usr/local/cuda/lib64/libcudnn.so.8' };
    const [gpu] = assessCandidates(p);
    assert.match(
      gpu.reasons.join('\n'),
      /at \/usr\/local\/cuda\/lib64\/libcudnn\.so\.8 but not on the loader path/,
    );
  });
  it('explains a machine without a visible GPU', () => {
    const [gpu] = assessCandidates(probe({ gpu: false }));
    assert.equal(gpu.available, false);
    assert.match(gpu.reasons.join('\n'), /no NVIDIA GPU visible/);
    assert.match(gpu.hints.join('\n'), /nvidia-smi/);
  });
  it('uses tfjs-node (CPU build) for the tensorflow backend when only it is installed', () => {
    const [gpu, tfCpu] = assessCandidates(probe({ gpuPackage: false, cpuPackage: true }));
    assert.match(gpu.reasons.join('\n'), /only @tensorflow\/tfjs-node, the CPU build, is/);
    assert.equal(tfCpu.available, true);
    assert.equal(tfCpu.packageName, BACKEND_PACKAGES.node);
  });
  it('rules out tfjs-node on Node 24+', () => {
    const [gpu, tfCpu, wasm] = assessCandidates(probe({ node: '24.1.0' }));
    assert.equal(gpu.available, false);
    assert.equal(tfCpu.available, false);
    assert.match(tfCpu.reasons.join('\n'), /Node 24\.1\.0 is not supported/);
    assert.equal(wasm.available, true);
  });
  it('rules out the GPU on macOS', () => {
    const [gpu] = assessCandidates(probe({ platform: 'darwin' }));
    assert.equal(gpu.available, false);
    assert.match(gpu.reasons.join('\n'), /macOS/);
  });
});

describe('planBackendSelection', () => {
  it('tries every available backend, fastest first, in auto mode', () => {
    assert.deepEqual(planBackendSelection(probe({ cudart: null }), {}).tryOrder, [
      'tensorflow',
      'wasm',
      'cpu',
    ]);
    assert.deepEqual(planBackendSelection(probe({ gpuPackage: false }), {}).tryOrder, ['wasm', 'cpu']);
  });
  it('tries only a forced backend that is available', () => {
    assert.deepEqual(planBackendSelection(probe(), { force: 'wasm', source: 'option' }).tryOrder, ['wasm']);
  });
  it('throws a clear error for a forced backend that is unavailable (no silent fallback)', () => {
    assert.throws(
      () =>
        planBackendSelection(probe({ gpuPackage: false, gpu: false }), {
          force: 'tensorflow-gpu',
          source: 'GENLIB_BACKEND',
        }),
      (e: unknown) => {
        assert.ok(e instanceof BackendUnavailableError);
        assert.equal(e.backend, 'tensorflow-gpu');
        assert.match(e.message, /GENLIB_BACKEND=tensorflow-gpu asks for the 'tensorflow-gpu' backend/);
        assert.match(e.message, /@tensorflow\/tfjs-node-gpu is not installed/);
        assert.match(e.message, /no NVIDIA GPU visible/);
        assert.match(e.message, /To fix it:\n {2}1\. npm install @tensorflow\/tfjs-node-gpu/);
        assert.match(e.message, /unset GENLIB_BACKEND/);
        return true;
      },
    );
  });
});

describe('selectBackend', () => {
  it('chooses tensorflow-gpu when TensorFlow finds the GPU, and tries nothing slower', async () => {
    const { loaders, calls } = fakeLoaders();
    const p = probe();
    const report = await selectBackend(planBackendSelection(p, {}), p, { loaders, env: {} });
    assert.equal(report.chosen, 'tensorflow-gpu');
    assert.deepEqual(calls, [`tensorflow:${BACKEND_PACKAGES.nodeGpu}`]);
    assert.deepEqual(
      report.candidates.map((c) => c.status),
      ['chosen', 'not-tried', 'not-tried', 'not-tried'],
    );
    assert.equal(report.convTraining.allowed, true);
  });
  it('falls back to TensorFlow on the CPU when TensorFlow loads but uses no GPU', async () => {
    const { loaders, calls } = fakeLoaders({ tensorflow: { usingGpu: false, version: '4.22.0' } });
    const p = probe();
    const report = await selectBackend(planBackendSelection(p, {}), p, { loaders, env: {} });
    assert.equal(report.chosen, 'tensorflow');
    assert.equal(calls.length, 2);
    assert.equal(report.candidates[0].status, 'failed');
    assert.match(report.candidates[0].reasons[0], /placed no op on a GPU/);
  });
  it('falls back to wasm when the TensorFlow binding fails to load, recording the error text', async () => {
    const { loaders, calls } = fakeLoaders({ tensorflow: new Error('Cannot find module tfjs_binding.node') });
    const p = probe({ cudart: null });
    const report = await selectBackend(planBackendSelection(p, {}), p, { loaders, env: {} });
    assert.equal(report.chosen, 'wasm');
    assert.deepEqual(calls, [`tensorflow:${BACKEND_PACKAGES.nodeGpu}`, 'wasm']);
    assert.equal(report.candidates[0].status, 'unavailable');
    assert.equal(report.candidates[1].status, 'failed');
    assert.match(report.candidates[1].reasons[0], /loading failed: Cannot find module tfjs_binding\.node/);
    assert.match(report.candidates[1].hints.join('\n'), /npm rebuild/);
  });
  it('throws instead of falling back when a forced backend fails to load', async () => {
    const { loaders, calls } = fakeLoaders({ wasm: new Error('failed to load wasm binary') });
    const p = probe();
    await assert.rejects(
      selectBackend(planBackendSelection(p, { force: 'wasm', source: 'option' }), p, { loaders, env: {} }),
      (e: unknown) =>
        e instanceof BackendUnavailableError &&
        /initBackend\(\{ force: 'wasm' \}\) asks for the 'wasm' backend/.test(e.message) &&
        /failed to load wasm binary/.test(e.message),
    );
    assert.deepEqual(calls, ['wasm']);
  });
  it('reports conv-net training refused on cpu unless GENLIB_ALLOW_SLOW_CPU=1', async () => {
    const p = probe({ gpuPackage: false });
    const plan = planBackendSelection(p, { force: 'cpu', source: 'option' });
    const refused = await selectBackend(plan, p, { loaders: fakeLoaders().loaders, env: {} });
    assert.equal(refused.chosen, 'cpu');
    assert.equal(refused.convTraining.allowed, false);
    const allowed = await selectBackend(plan, p, {
      loaders: fakeLoaders().loaders,
      env: { [ALLOW_SLOW_CPU_ENV_VAR]: '1' },
    });
    assert.equal(allowed.convTraining.allowed, true);
  });
});

describe('initBackend with injected probe and loaders', () => {
  it('honours GENLIB_BACKEND from the env option and rejects an unavailable one', async () => {
    const { loaders, calls } = fakeLoaders();
    await assert.rejects(
      initBackend({ env: { GENLIB_BACKEND: 'tensorflow-gpu' }, probe: probe({ cudnn: null }), loaders }),
      /libcudnn\.so\.8 not found/,
    );
    assert.deepEqual(calls, []);
    const report = await initBackend({ env: { GENLIB_BACKEND: 'wasm' }, probe: probe(), loaders });
    assert.equal(report.chosen, 'wasm');
    assert.equal(report.forcedBy, 'GENLIB_BACKEND');
  });
});

describe('formatBackendReport', () => {
  it('says what was chosen, why faster ones were not, and what to do', async () => {
    const p = probe({ gpuPackage: false, gpu: false, cudart: null, cudnn: null });
    const report = await selectBackend(planBackendSelection(p, {}), p, {
      loaders: fakeLoaders().loaders,
      env: {},
    });
    const text = formatBackendReport(report);
    assert.match(text, /^TensorFlow\.js backend: wasm \(the fastest that works here\)/);
    assert.match(text, /tensorflow-gpu .*: unavailable/);
    assert.match(text, /no NVIDIA GPU visible/);
    assert.match(text, /To use it:\n {8}1\. npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/);
    assert.match(text, /Conv-net training: allowed/);
  });
  it('names the forcing variable and notes the cpu conv guard', async () => {
    const p = probe();
    const report = await selectBackend(
      planBackendSelection(p, { force: 'cpu', source: 'GENLIB_BACKEND' }),
      p,
      {
        loaders: fakeLoaders().loaders,
        env: {},
      },
    );
    const text = formatBackendReport(report);
    assert.match(text, /backend: cpu \(forced by GENLIB_BACKEND=cpu\)/);
    assert.match(text, /not tried because a backend was forced/);
    assert.match(text, /Conv-net training: refused.*GENLIB_ALLOW_SLOW_CPU=1/);
  });
});

describe('library probing', () => {
  it('parses ldconfig -p output, skipping 32-bit entries', () => {
    const text = [
      "1234 libs found in cache `/etc/ld.so.cache'",
      '\tlibcudnn.so.8 (libc6) => /usr/lib/i386-linux-gnu/libcudnn.so.8',
      '\tlibcudnn.so.8 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.8',
      '\tlibcudart.so.11.0 (libc6,x86-64) => /usr/local/cuda/lib64/libcudart.so.11.0',
    ].join('\n');
    const libs = parseLdconfigOutput(text, 'x64');
    assert.equal(libs.get('libcudnn.so.8'), '/usr/lib/x86_64-linux-gnu/libcudnn.so.8');
    assert.equal(libs.get('libcudart.so.11.0'), '/usr/local/cuda/lib64/libcudart.so.11.0');
    assert.equal(libs.size, 2);
  });
  it('finds a library in LD_LIBRARY_PATH first, then the ld cache, else reports an off-path copy', () => {
    const files = new Set(['/opt/cuda/libcudart.so.11.0', '/usr/local/cuda/lib64/libcudnn.so.8']);
    const search = {
      ldCache: new Map([['libcudart.so.11.0', '/usr/lib/libcudart.so.11.0']]),
      ldLibraryPath: ['/opt/cuda'],
      usualDirs: ['/usr/local/cuda/lib64'],
      exists: (f: string) => files.has(f),
    };
    assert.deepEqual(findLibrary('libcudart.so.11.0', search), {
      name: 'libcudart.so.11.0',
      path: '/opt/cuda/libcudart.so.11.0',
    });
    assert.deepEqual(findLibrary('libcudnn.so.8', search), {
      name: 'libcudnn.so.8',
      path: null,
      offPath: '/usr/local/cuda/lib64/libcudnn.so.8',
    });
    assert.deepEqual(findLibrary('libnothing.so', search), { name: 'libnothing.so', path: null });
  });
});

describe('convTrainingPolicy', () => {
  it('refuses cpu by default, allows it with GENLIB_ALLOW_SLOW_CPU=1, allows wasm and tensorflow', () => {
    assert.equal(convTrainingPolicy('cpu', {}).allowed, false);
    assert.equal(convTrainingPolicy('cpu', { GENLIB_ALLOW_SLOW_CPU: 'yes' }).allowed, false);
    assert.equal(convTrainingPolicy('cpu', { GENLIB_ALLOW_SLOW_CPU: '1' }).allowed, true);
    assert.equal(convTrainingPolicy('wasm', {}).allowed, true);
    assert.equal(convTrainingPolicy('tensorflow', {}).allowed, true);
    assert.equal(convTrainingPolicy(null, {}).allowed, false);
  });
});
