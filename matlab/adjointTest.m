function [passed,relErr] = adjointTest(J,Jt,v,u,tol)
% [passed,relErr] = adjointTest(J,Jt,v,u,tol)
%
% Adjoint (dot-product) test that Jt is the transpose of J (slide
% "Testing", 2.): for arbitrary v and u, in exact arithmetic
%
%   u'*(J*v) = v'*(J'*u)
%
% relErr = |u'*(J*v) - v'*(J'*u)| / max(|u'*(J*v)|, |v'*(J'*u)|).
% The course's test fails above 1e-12; here the default tolerance follows
% the precision: 1e4*eps (2.2e-12 in double, 1.2e-3 in single).
%
% Inputs:
%   J   - function handle @(v) J*v
%   Jt  - function handle @(u) J'*u
%   v   - array in the domain of J (any shape J accepts)
%   u   - array in the domain of Jt, numel(u) = numel(J(v))
%   tol - relative tolerance (default: 1e4*eps(class(u'*J*v)))
%
% Outputs:
%   passed - relErr <= tol
%   relErr - relative difference of the two inner products
%
% Called with no arguments, runs a minimal example.

if nargin==0, runMinimalExample; return; end

Jv  = J(v);
Jtu = Jt(u);
a = u(:)'*Jv(:);
t = Jtu(:)'*v(:);
relErr = abs(a-t)/max([abs(a), abs(t), realmin]);
if nargin<5 || isempty(tol), tol = 1e4*eps(class(a)); end
passed = relErr <= tol;
end

function runMinimalExample
A = reshape(0:11,3,4);
[passed,relErr] = adjointTest(@(v) A*v, @(u) A'*u, randn(4,1), randn(3,1));
fprintf('A and A'':          relative error %1.2e, passed %d\n', relErr, passed);
[passed,relErr] = adjointTest(@(v) A*v, @(u) 1.01*A'*u, randn(4,1), randn(3,1));
fprintf('A and 1.01*A'':     relative error %1.2e, passed %d\n', relErr, passed);
end
