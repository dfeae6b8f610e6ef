function [f,g,H] = rosenbrock(x)
% [f,g,H] = rosenbrock(x)
%
% Rosenbrock's function, a standard test of optimisers (minimiser [1;1]):
%
%   f(x) = (1-x1)^2 + 100*(x2-x1^2)^2
%
% Inputs:
%   x - point [x1;x2], 2 x 1
%
% Outputs:
%   f - function value, scalar
%   g - gradient, 2 x 1
%   H - Hessian, 2 x 2 matrix (exact)
%
% Called with no arguments, runs a minimal example (Taylor test).

if nargin==0, runMinimalExample; return; end

f = (1-x(1))^2 + 100*(x(2)-x(1)^2)^2;
g = [-2*(1-x(1)) - 400*x(1)*(x(2)-x(1)^2);
     200*(x(2)-x(1)^2)];
H = [2 - 400*x(2) + 1200*x(1)^2, -400*x(1);
     -400*x(1),                     200];
end

function runMinimalExample
[f,g,H] = rosenbrock([1;1]);
fprintf('at the minimiser [1;1]: f = %g, norm(g) = %g, eig(H) = [%g %g]\n', f, norm(g), eig(H));
disp('Taylor test at [4;2] (exact Hessian: E2 has order 3):');
passed = checkDerivative(@rosenbrock, [4;2], [1;-1], 12);
fprintf('passed: %d\n', passed);
end
