function [A,dA] = tanhActivation(Y,doDerivative)
% [A,dA] = tanhActivation(Y,doDerivative)
%
% Hyperbolic tangent activation, applied elementwise (slide: sigma = tanh):
%
%   A = tanh(Y),   dA = sigma'(Y) = 1 - tanh(Y).^2
%
% Inputs:
%   Y            - any array, e.g. Y*K+b (n x m)
%   doDerivative - compute dA (default: true)
%
% Outputs:
%   A  - tanh(Y), same size as Y
%   dA - 1 - A.^2, same size as Y ([] if doDerivative is false)
%
% Called with no arguments, runs a minimal example.

if nargin==0, runMinimalExample; return; end
if nargin<2 || isempty(doDerivative), doDerivative = true; end

A  = tanh(Y);
dA = [];
if doDerivative
    dA = 1 - A.^2;
end
end

function runMinimalExample
Y = [-1 0 1; 2 -2 0.5];
[A,dA] = tanhActivation(Y);
disp('A = tanhActivation([-1 0 1; 2 -2 0.5]):'); disp(A);
disp('dA = 1 - A.^2:'); disp(dA);
% sigma'(y) by a central difference, for comparison
h = 1e-5;
dAfd = (tanh(Y+h) - tanh(Y-h))/(2*h);
fprintf('max |dA - central difference| = %1.2e (about h^2 = 1e-10)\n', max(abs(dA(:)-dAfd(:))));
end
