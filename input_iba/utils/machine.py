"""What machine produced a result: recorded with runs and benchmarks."""
import contextlib
import os
import platform
from typing import Optional

import torch


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``), else the platform's word."""
    with contextlib.suppress(OSError), open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    return platform.processor() or platform.machine()


def describe_machine(device: Optional[torch.device] = None) -> dict:
    """The CPU, its core count, torch's threads, the torch and Python
    versions, and the GPU when ``device`` is a CUDA device."""
    cuda = device is not None and torch.device(device).type == 'cuda'
    return dict(cpu=cpu_model(), cpu_count=os.cpu_count(), torch_threads=torch.get_num_threads(),
                torch=torch.__version__, python=platform.python_version(),
                gpu=torch.cuda.get_device_name(device) if cuda else None)
