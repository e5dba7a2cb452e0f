import os.path as osp
import re

from setuptools import find_packages, setup

here = osp.dirname(osp.abspath(__file__))
with open(osp.join(here, 'input_iba', '__init__.py')) as f:
    version = re.search(r"__version__ = '([^']+)'", f.read()).group(1)
with open(osp.join(here, 'requirements.txt')) as f:
    requirements = [line.strip() for line in f if line.strip() and not line.startswith('#')]
with open(osp.join(here, 'README.md'), encoding='utf-8') as f:
    long_description = f.read()

setup(
    name='input_iba',
    version=version,
    description='Faithful, readable explanations for PyTorch image and text '
    'classifiers: InputIBA, IBA, MaRC, Empirical Explainers, Recursive ROAR.',
    long_description=long_description,
    long_description_content_type='text/markdown',
    packages=find_packages(include=['input_iba', 'input_iba.*']),
    python_requires='>=3.10',
    install_requires=requirements,
    license='MIT',
)
